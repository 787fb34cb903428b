"""Warehouses and bins (issue #23, "the warehouse"): stock per warehouse and bin location; a pick list is served
whole from the nearest warehouse that can ship it, from named bins in pick route order; receipts (入库), counts
(盘点) and transfers (调拨) per bin. On the real broker and database."""
import uuid

import pytest
import sqlalchemy as sa

from services.picking_packing import allocation, handed_over, inventory, pick_lists
from services.picking_packing.models import BinStock, PickBin, PickList, StockMovement
from services.picking_packing.storage import stock as stored
from shared.db.engine import normalize_url
from shared.errors import Conflict
from shared.migrations import upgrade
from shared.timeutil import utcnow
from tests.picking_packing.conftest import ADDRESS, approved, line, stock_of, unique


# -- the rule, pure ------------------------------------------------------------------------------------
def near(*codes):
    return lambda province: list(codes)


def test_the_nearest_warehouse_that_holds_the_whole_order_serves_it():
    shelves = {"SH": {"A": [("B-01", 1)], "B": [("B-02", 5)]}, "BJ": {"A": [("A-01", 2)], "B": [("A-02", 1)]}}
    # SH is nearer but holds 1 A: BJ holds both lines whole (2 A: exactly enough)
    served, short = allocation.plan_from([("SO-1", {"A": 2, "B": 1}, "P")], shelves, near("SH", "BJ"))
    assert (served, short) == ([("SO-1", "BJ", [("A-01", "A", 2), ("A-02", "B", 1)])], {})
    # one more A than BJ holds: nobody ships it whole; it waits, claiming where the most of it is (BJ: 3 of 4)
    served, short = allocation.plan_from([("SO-1", {"A": 3, "B": 1}, "P"), ("SO-2", {"B": 1}, "P")], shelves,
                                         near("SH", "BJ"))
    assert short == {"SO-1": [{"sku": "A", "needed": 3, "available": 2}]}
    assert served == [("SO-2", "SH", [("B-02", "B", 1)])]   # BJ's only B is claimed by SO-1
    # nearest first when both can
    served, _ = allocation.plan_from([("SO-3", {"B": 1}, "P")], shelves, near("BJ", "SH"))
    assert served[0][1] == "BJ"


def test_a_line_comes_from_the_first_bin_holding_all_of_it_else_from_its_bins_in_route_order():
    shelves = {"W": {"A": [("A-01", 1), ("A-02", 3), ("B-01", 5)]}}
    assert allocation.plan_from([("SO-1", {"A": 3}, None)], shelves, near("W"))[0][0][2] == [("A-02", "A", 3)]
    assert allocation.plan_from([("SO-1", {"A": 4}, None)], shelves, near("W"))[0][0][2] == [("B-01", "A", 4)]
    assert allocation.plan_from([("SO-1", {"A": 6}, None)], shelves, near("W"))[0][0][2] == [
        ("A-01", "A", 1), ("A-02", "A", 3), ("B-01", "A", 2)]


# -- over HTTP, on the broker ----------------------------------------------------------------------------
def setup_warehouses(wh, province):
    """SH is nearest to `province`, BJ next; each with two bins."""
    sh, bj = unique("SH")[:12], unique("BJ")[:12]
    for code, rank in ((sh, 1), (bj, 2)):
        answer = wh.http("PUT", f"/warehouses/{code}", json={"name": f"仓 {code}", "provinces": {province: rank}})
        assert answer.status_code == 200, answer.text
        for bin_code in ("A-01-01", "B-02-03"):
            assert wh.http("POST", f"/warehouses/{code}/bins", json={"code": bin_code}).status_code == 201
    return sh, bj


def receive_into(wh, warehouse, bin_code, *lines):
    answer = wh.http("POST", "/stock/receipts", json={"warehouse": warehouse, "bin": bin_code, "lines": [
        {"sku": sku, "qty": qty} for sku, qty in lines]})
    assert answer.status_code == 201, answer.text
    return answer.json()


def approve_to(wh, province, *lines):
    event = approved(*lines)
    event["shipping_address"] = {**ADDRESS, "province": province}
    wh.publish("order_review", "order_approved", event)
    return event["order_no"]


def bins_of(db, sku):
    with db.read() as session:
        return {(row.warehouse, row.bin): (row.on_hand, row.reserved)
                for row in session.scalars(sa.select(BinStock).where(BinStock.sku == sku))
                if row.on_hand or row.reserved}


def test_orders_are_served_whole_from_the_nearest_warehouse_and_picked_by_bin(warehouse):
    wh = warehouse()
    province = unique("省")
    sh, bj = setup_warehouses(wh, province)
    sku_a, sku_b = unique("SKU"), unique("SKU")
    receive_into(wh, sh, "B-02-03", (sku_a, 2))
    receive_into(wh, sh, "A-01-01", (sku_b, 1))
    receive_into(wh, bj, "A-01-01", (sku_a, 5), (sku_b, 5))
    assert stock_of(wh.db, sku_a) == (7, 0)   # the total stays the SKU's sellable stock

    first = approve_to(wh, province, line(sku_a, 2), line(sku_b, 1))   # SH holds it whole (exactly)
    assert wh.pick_list(first, "ready").warehouse == sh
    shown = wh.http("GET", f"/pick-lists/{first}").json()
    assert shown["warehouse"] == sh
    assert [(l["sku"], l["bin"], l["bins"]) for l in shown["lines"]] == [
        (sku_b, "A-01-01", [{"bin": "A-01-01", "qty": 1}]), (sku_a, "B-02-03", [{"bin": "B-02-03", "qty": 2}])]
    assert bins_of(wh.db, sku_a) == {(sh, "B-02-03"): (2, 2), (bj, "A-01-01"): (5, 0)}

    second = approve_to(wh, province, line(sku_a, 1))   # SH has none left: BJ
    assert wh.pick_list(second, "ready").warehouse == bj
    assert bins_of(wh.db, sku_a)[(bj, "A-01-01")] == (5, 1)
    assert stock_of(wh.db, sku_a) == (7, 3)

    scan = wh.scan("pick", order_no=first, barcode=sku_b)   # the scanner screen: warehouse, route by bin
    assert scan.status_code == 200, scan.text
    assert (scan.json()["warehouse"], [(r["sku"], r["bin"]) for r in scan.json()["remaining"]]) == (
        sh, [(sku_a, "B-02-03")])
    listed = wh.http("GET", "/stock/bins", params={"sku": sku_a}).json()["bins"]
    assert [(b["warehouse"], b["bin"], b["available"]) for b in listed] == sorted(
        [(sh, "B-02-03", 0), (bj, "A-01-01", 4), ("MAIN", "DEFAULT", 0)])


def test_an_order_no_warehouse_ships_whole_waits_until_a_transfer_completes_one(warehouse):
    wh = warehouse()
    province = unique("省")
    sh, bj = setup_warehouses(wh, province)
    sku = unique("SKU")
    receive_into(wh, sh, "A-01-01", (sku, 2))
    receive_into(wh, bj, "A-01-01", (sku, 1))
    order_no = approve_to(wh, province, line(sku, 3))   # 3 in total, but no warehouse holds 3
    wh.pick_list(order_no, "waiting_stock")
    assert wh.wait_event("order_out_of_stock", order_no=order_no)[0]["short"] == [
        {"sku": sku, "needed": 3, "available": 2}]

    move = {"sku": sku, "qty": 1, "source": {"warehouse": bj, "bin": "A-01-01"},
            "target": {"warehouse": sh, "bin": "B-02-03"}, "reason": "调拨 to the nearer warehouse"}
    too_many = wh.http("POST", "/stock/transfers", json={**move, "qty": 2})
    assert (too_many.status_code, too_many.json()["error"], too_many.json()["available"]) == (
        409, "transfer_exceeds_available", 1)
    unknown = wh.http("POST", "/stock/transfers", json={**move, "target": {"warehouse": sh, "bin": "Z-99"}})
    assert (unknown.status_code, unknown.json()["error"]) == (404, "unknown_bin")
    bad = wh.http("POST", "/stock/transfers", json={**move, "source": {"warehouse": bj, "bin": "A 01"}})
    assert bad.status_code == 400 and "source" in bad.text
    same = wh.http("POST", "/stock/transfers", json={**move, "target": move["source"]})
    assert same.status_code == 409
    assert bins_of(wh.db, sku) == {(sh, "A-01-01"): (2, 0), (bj, "A-01-01"): (1, 0)}   # nothing moved

    moved = wh.http("POST", "/stock/transfers", json=move)
    assert moved.status_code == 201, moved.text
    assert wh.pick_list(order_no, "ready").warehouse == sh
    assert bins_of(wh.db, sku) == {(sh, "A-01-01"): (2, 2), (sh, "B-02-03"): (1, 1)}
    assert stock_of(wh.db, sku) == (3, 3)
    transfers = wh.http("GET", "/stock/transfers", params={"sku": sku}).json()["transfers"]
    assert sorted((t["kind"], t["warehouse"], t["bin"], t["change"], t["by"]) for t in transfers) == [
        ("transfer_in", sh, "B-02-03", 1, "W-1"), ("transfer_out", bj, "A-01-01", -1, "W-1")]


def test_receipts_and_counts_per_bin_refuse_unknown_bins_and_counting_under_what_is_reserved(warehouse):
    wh = warehouse()
    sh, _ = setup_warehouses(wh, unique("省"))
    sku = unique("SKU")
    unknown = wh.http("POST", "/stock/receipts", json={"warehouse": sh, "lines": [
        {"sku": sku, "qty": 1, "bin": "A-01-01"}, {"sku": sku, "qty": 1, "bin": "NOPE"}]})
    assert (unknown.status_code, unknown.json()["error"], unknown.json()["bin"]) == (404, "unknown_bin", "NOPE")
    assert stock_of(wh.db, sku) is None   # the whole receipt refused
    receive_into(wh, sh, "A-01-01", (sku, 4))
    wh.receive((sku, 1))   # no bin named: the default bin, as before
    assert bins_of(wh.db, sku) == {(sh, "A-01-01"): (4, 0), ("MAIN", "DEFAULT"): (1, 0)}
    order_no = approve_to(wh, "江苏省", line(sku, 3))
    assert wh.pick_list(order_no, "ready").warehouse == sh

    count = {"warehouse": sh, "bin": "A-01-01", "reason": "盘点 aisle A", "lines": [{"sku": sku, "counted": 2}]}
    below = wh.http("POST", "/stock/counts", json=count)   # 3 are reserved in that bin
    assert (below.status_code, below.json()["lines"]) == (409, [{"sku": sku, "counted": 2, "reserved": 3}])
    counted = wh.http("POST", "/stock/counts", json={**count, "lines": [{"sku": sku, "counted": 3}]})
    assert counted.status_code == 201, counted.text
    assert counted.json()["adjustments"] == {sku: -1}
    assert bins_of(wh.db, sku) == {(sh, "A-01-01"): (3, 3), ("MAIN", "DEFAULT"): (1, 0)}
    assert stock_of(wh.db, sku) == (4, 3)
    [adjustment] = wh.http("GET", "/stock/adjustments", params={"sku": sku}).json()["adjustments"]
    assert (adjustment["warehouse"], adjustment["bin"], adjustment["change"], adjustment["on_hand_after"]) == (
        sh, "A-01-01", -1, 4)
    assert wh.http("POST", f"/warehouses/{unique('X')[:12]}/bins", json={"code": "A-1"}).status_code == 404
    assert wh.http("POST", f"/warehouses/{sh}/bins", json={"code": "A-01-01"}).status_code == 409
    listed = wh.http("GET", "/warehouses").json()["warehouses"]
    assert [w["code"] for w in listed if w["code"] in ("MAIN", sh)] == sorted(["MAIN", sh])


# -- use cases on the database: cancel gives back the bins, hand-over takes from them ------------------------
def test_cancel_releases_the_bins_and_hand_over_ships_from_them(db, settings):
    sku = unique("SKU")
    with db.unit_of_work() as uow:
        inventory.save_warehouse(uow, "W2", {"name": "二仓", "rank": 1, "provinces": {}})
        inventory.add_bin(uow, "W2", "C-03-01")
        inventory.receive(uow, {"warehouse": "W2", "bin": "C-03-01", "lines": [{"sku": sku, "qty": 5}]}, "W-1",
                          settings)
    cancelled, shipped = approved(line(sku, 2)), approved(line(sku, 3))
    for order in (cancelled, shipped):
        with db.unit_of_work() as uow:
            pick_lists.open_pick_list(uow, order, settings)
    assert bins_of(db, sku)[("W2", "C-03-01")] == (5, 5)
    with db.unit_of_work() as uow:
        pick_lists.cancel(uow, cancelled["order_no"], "cancelled: customer", settings)
    assert bins_of(db, sku)[("W2", "C-03-01")] == (5, 3)
    with db.unit_of_work() as uow:
        uow.session.execute(sa.update(PickList).where(PickList.order_no == shipped["order_no"])
                            .values(status="packed"))
    with db.unit_of_work() as uow:
        handed_over.shipped(uow, {"order_no": shipped["order_no"], "shipper": "SH-1", "shipped_at": utcnow(),
                                  "tracking_no": "EE1"})
    assert bins_of(db, sku) == {("W2", "C-03-01"): (2, 0)}
    assert stock_of(db, sku) == (2, 0)
    with db.read() as session:
        [movement] = session.scalars(sa.select(StockMovement).where(StockMovement.sku == sku,
                                                                    StockMovement.kind == "shipped")).all()
        assert (movement.warehouse, movement.bin, movement.change) == ("W2", "C-03-01", -3)


def test_the_upgrade_moves_todays_stock_and_reservations_into_the_default_bin(test_databases):
    url = test_databases.empty_url("pp_upgrade")
    upgrade("picking_packing", url, revision="443d560154c9")   # the release before warehouses
    engine = sa.create_engine(normalize_url(url))
    now = utcnow().isoformat()
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO stock_items (sku, on_hand, reserved, low_warned) VALUES "
                             "('A', 7, 2, false), ('B', 0, 0, false)"))
        for order_no, status in (("SO-R", "ready"), ("SO-W", "waiting_stock")):
            conn.execute(sa.text("INSERT INTO pick_lists (order_no, customer_id, status, expected_weight_g, "
                                 "approved_at, created_at) VALUES (:o, 'C', :s, 100, :t, :t)"),
                         {"o": order_no, "s": status, "t": now})
            conn.execute(sa.text("INSERT INTO pick_lines (order_no, sku, name, qty, picked, unit_weight_g) "
                                 "VALUES (:o, 'A', 'x', 2, 0, 50)"), {"o": order_no})
    upgrade("picking_packing", url)
    with engine.connect() as conn:
        assert sorted(conn.execute(sa.text("SELECT warehouse, bin, sku, on_hand, reserved FROM bin_stock"))) == [
            ("MAIN", "DEFAULT", "A", 7, 2), ("MAIN", "DEFAULT", "B", 0, 0)]
        assert list(conn.execute(sa.select(PickBin.__table__))) == [("SO-R", "A", "MAIN", "DEFAULT", 2)]
        assert dict(conn.execute(sa.text("SELECT order_no, warehouse FROM pick_lists")).all()) == {
            "SO-R": "MAIN", "SO-W": None}
    engine.dispose()


# -- review changed the goods before picking: the bins go back, the order is planned again -------------------
def test_a_goods_change_gives_back_its_bins_and_may_be_served_from_another_warehouse(db, settings):
    kept, other = unique("SKU"), unique("SKU")
    near_wh, far_wh = unique("W")[:12], unique("W")[:12]
    with db.unit_of_work() as uow:
        for code, rank in ((near_wh, 1), (far_wh, 2)):
            inventory.save_warehouse(uow, code, {"name": code, "rank": rank, "provinces": {}})
            inventory.add_bin(uow, code, "A-01")
        inventory.receive(uow, {"warehouse": near_wh, "bin": "A-01", "lines": [{"sku": kept, "qty": 2}]}, "W-1",
                          settings)
        inventory.receive(uow, {"warehouse": far_wh, "bin": "A-01", "lines": [{"sku": other, "qty": 3}]}, "W-1",
                          settings)
    order = approved(line(kept, 2))
    with db.unit_of_work() as uow:
        pick_lists.open_pick_list(uow, order, settings)
    assert bins_of(db, kept) == {(near_wh, "A-01"): (2, 2)}

    def change(change_id, *lines):
        with db.unit_of_work() as uow:
            pick_lists.change_goods(uow, {"order_no": order["order_no"], "change_id": change_id,
                                          "lines": list(lines), "reviewer": "R-1", "changed_at": utcnow()}, settings)
        with db.read() as session:
            found = session.get(PickList, order["order_no"])
            return found.status, found.warehouse, [(l.sku, l.bin) for l in found.lines], sorted(
                tuple(row) for row in session.execute(sa.select(PickBin.warehouse, PickBin.bin, PickBin.sku,
                                                                PickBin.qty)
                                                      .where(PickBin.order_no == order["order_no"])))

    # one more than the far warehouse holds: the reservation goes back to its bin, the order waits holding none
    assert change(1, line(other, 4)) == ("waiting_stock", None, [(other, None)], [])
    assert bins_of(db, kept) == {(near_wh, "A-01"): (2, 0)} and stock_of(db, kept) == (2, 0)
    assert bins_of(db, other) == {(far_wh, "A-01"): (3, 0)}
    # exactly what the far warehouse holds: served from it (another warehouse than before)
    assert change(2, line(other, 3)) == ("ready", far_wh, [(other, "A-01")], [(far_wh, "A-01", other, 3)])
    assert bins_of(db, other) == {(far_wh, "A-01"): (3, 3)} and stock_of(db, other) == (3, 3)
    # a ready list changed back: the far bin's reservation is given back, the near warehouse serves again
    assert change(3, line(kept, 1)) == ("ready", near_wh, [(kept, "A-01")], [(near_wh, "A-01", kept, 1)])
    assert bins_of(db, other) == {(far_wh, "A-01"): (3, 0)} and stock_of(db, other) == (3, 0)
    assert bins_of(db, kept) == {(near_wh, "A-01"): (2, 1)} and stock_of(db, kept) == (2, 1)
    with db.unit_of_work() as uow:
        pick_lists.cancel(uow, order["order_no"], "cancelled: customer", settings)
    assert bins_of(db, kept) == {(near_wh, "A-01"): (2, 0)} and stock_of(db, kept) == (2, 0)


# -- giving bins and warehouses up (库位撤销) ------------------------------------------------------------
def test_only_an_empty_bin_is_given_up_and_a_warehouse_only_once_its_bins_are(warehouse):
    wh = warehouse()
    sh, bj = setup_warehouses(wh, unique("省"))
    sku = unique("SKU")
    receive_into(wh, sh, "A-01-01", (sku, 1))
    full = wh.http("DELETE", f"/warehouses/{sh}/bins/A-01-01")
    assert (full.status_code, full.json()["error"]) == (409, "bin_not_empty")
    assert (full.json()["sku"], full.json()["on_hand"], full.json()["reserved"]) == (sku, 1, 0)
    assert wh.http("DELETE", f"/warehouses/{sh}/bins/A-01-01", role="picker").status_code == 403
    moved = wh.http("POST", "/stock/transfers", json={"sku": sku, "qty": 1, "reason": "腾空库位",
                                                      "source": {"warehouse": sh, "bin": "A-01-01"},
                                                      "target": {"warehouse": sh, "bin": "B-02-03"}})
    assert moved.status_code in (200, 201), moved.text
    emptied = wh.http("DELETE", f"/warehouses/{sh}/bins/A-01-01")   # a row with nothing left: empty
    assert (emptied.status_code, emptied.json()) == (200, {"warehouse": sh, "bin": "A-01-01", "removed": True})
    assert (sh, "A-01-01") not in {(b["warehouse"], b["bin"]) for b in wh.http("GET", "/stock/bins").json()["bins"]}
    transfers = wh.http("GET", "/stock/transfers", params={"sku": sku}).json()
    assert (sh, "A-01-01") in {(t["warehouse"], t["bin"]) for t in transfers["transfers"]}   # its history stays
    again = wh.http("DELETE", f"/warehouses/{sh}/bins/A-01-01")
    assert (again.status_code, again.json()["error"]) == (404, "unknown_bin")
    default = wh.http("DELETE", "/warehouses/MAIN/bins/DEFAULT")
    assert (default.status_code, default.json()["error"]) == (409, "bin_default")

    has_bins = wh.http("DELETE", f"/warehouses/{sh}")
    assert (has_bins.status_code, has_bins.json()["error"], has_bins.json()["bins"]) == (409, "warehouse_has_bins", 1)
    for bin_code in ("A-01-01", "B-02-03"):
        assert wh.http("DELETE", f"/warehouses/{bj}/bins/{bin_code}").status_code == 200
    gone = wh.http("DELETE", f"/warehouses/{bj}")
    assert (gone.status_code, gone.json()) == (200, {"code": bj, "removed": True})
    assert bj not in [w["code"] for w in wh.http("GET", "/warehouses").json()["warehouses"]]
    assert wh.http("DELETE", f"/warehouses/{bj}").json()["error"] == "unknown_warehouse"
    assert wh.http("DELETE", "/warehouses/MAIN").json()["error"] == "warehouse_default"


@pytest.mark.parametrize("status, refused", [("ready", True), ("packed", True), ("handed_over", False),
                                             ("cancelled", False)])
def test_a_warehouse_serving_an_open_pick_list_is_not_given_up(db, status, refused):
    code = unique("GZ")[:12]
    with db.unit_of_work() as uow:
        stored.save_warehouse(uow.session, code, "广州仓", 5, {})
        uow.session.add(PickList(order_no=unique("SO"), customer_id="C-1", status=status, warehouse=code,
                                 expected_weight_g=100, approved_at=utcnow(), created_at=utcnow()))
    with db.unit_of_work() as uow:
        if refused:
            with pytest.raises(Conflict) as found:
                inventory.remove_warehouse(uow, code)
            assert (found.value.code, found.value.details["pick_lists"]) == ("warehouse_in_use", 1)
        else:
            assert inventory.remove_warehouse(uow, code) == {"code": code, "removed": True}
