"""Issue #23: order review changed the goods of an approved order waiting for them (order_goods_changed). The
pick list takes them while nothing is picked, giving back what it had reserved and being planned again in its
turn; once the first scan came first (the pick list's lock settles the race) it refuses, visibly."""
from shared.timeutil import utcnow
from tests.picking_packing.conftest import line, stock_of, unique


def change(warehouse, order_no, *lines, change_id=1):
    event = warehouse.publish("order_review", "order_goods_changed", {
        "order_no": order_no, "change_id": change_id, "lines": list(lines), "reviewer": "R-1",
        "changed_at": utcnow()})
    warehouse.handled(event)


def lines_of(warehouse, order_no):
    return [(l.sku, l.qty, l.picked) for l in warehouse.pick_list(order_no).lines]


def test_a_waiting_pick_list_takes_the_new_goods_and_is_served_in_turn(warehouse):
    shop = warehouse()
    missing, stocked = unique("SKU"), unique("SKU")
    shop.receive((stocked, 5))
    order_no = shop.approve(line(missing))
    shop.pick_list(order_no, status="waiting_stock")
    change(shop, order_no, line(stocked, qty=2, unit_weight_g=300))
    shop.pick_list(order_no, status="ready")
    assert lines_of(shop, order_no) == [(stocked, 2, 0)]
    assert stock_of(shop.db, stocked) == (5, 2)
    assert shop.events("stock_reserved", order_no=order_no)[-1]["was_waiting"] is True
    assert shop.events("order_goods_change_refused", order_no=order_no) == []


def test_a_ready_list_not_yet_scanned_gives_back_its_reservation(warehouse):
    shop = warehouse()
    kept, missing = unique("SKU"), unique("SKU")
    shop.receive((kept, 3))
    order_no = shop.approve(line(kept))
    shop.pick_list(order_no, status="ready")
    assert stock_of(shop.db, kept) == (3, 1)
    change(shop, order_no, line(missing, qty=2))
    shop.pick_list(order_no, status="waiting_stock")
    assert stock_of(shop.db, kept) == (3, 0)
    [short] = shop.events("order_out_of_stock", order_no=order_no)
    assert short["short"] == [{"sku": missing, "needed": 2, "available": 0}]


def test_after_the_first_scan_the_change_is_refused_and_the_list_keeps_its_lines(warehouse):
    shop = warehouse()
    sku, other = unique("SKU"), unique("SKU")
    shop.receive((sku, 3), (other, 3))
    order_no = shop.approve(line(sku, qty=2))
    shop.pick_list(order_no, status="ready")
    assert shop.scan("pick", order_no=order_no, barcode=sku, qty=1).status_code == 200
    change(shop, order_no, line(other), change_id=7)
    [refused] = shop.events("order_goods_change_refused", order_no=order_no)
    assert (refused["change_id"], refused["reason"], refused["status"]) == (7, "picking_started", "picking")
    assert lines_of(shop, order_no) == [(sku, 2, 1)]
    assert stock_of(shop.db, sku) == (3, 2) and stock_of(shop.db, other) == (3, 0)
