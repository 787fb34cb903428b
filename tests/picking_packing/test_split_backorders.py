"""Splits (拆单, issue #23): picking tells review it took a goods change (order_goods_change_taken), on which review
approves a split's backorder; the backorder is a pick list of its own, in the order's turn."""
from shared.timeutil import utcnow
from tests.picking_packing.conftest import approved, earlier, line, stock_of, unique


def test_a_goods_change_taken_is_told_with_where_the_pick_list_stands(warehouse):
    shop = warehouse(FIFO_OVERTAKE_LIMIT=0)
    sku = unique("SKU")
    shop.receive((sku, 1))
    order_no = shop.approve(line(sku, 3))
    shop.pick_list(order_no, status="waiting_stock")
    event = shop.publish("order_review", "order_goods_changed", {
        "order_no": order_no, "change_id": 7, "lines": [line(sku, 1)], "reviewer": "R-1", "changed_at": utcnow()})
    shop.handled(event)
    assert shop.pick_list(order_no).status == "ready"
    [taken] = shop.events("order_goods_change_taken", order_no=order_no)
    assert (taken["change_id"], taken["status"]) == (7, "ready")
    # the backorder, approved in the order's turn with split_from, waits for the rest
    backorder = {**approved(line(sku, 2), order_no=f"{order_no}-B1", approved_at=earlier(60)), "split_from": order_no}
    shop.publish("order_review", "order_approved", backorder)
    assert shop.pick_list(backorder["order_no"], status="waiting_stock")
    assert stock_of(shop.db, sku) == (1, 1)
