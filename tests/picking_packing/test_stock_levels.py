"""Stock levels back to the storefront (issue #23, services/picking_packing/README.md "Stock levels to the
storefront"): each SKU's available quantity when it changed, collected in rounds, one event for many SKUs."""
from datetime import datetime, timezone

import sqlalchemy as sa

from services.picking_packing import handed_over, inventory, pick_lists, stock_levels
from services.picking_packing.models import StockItem
from services.picking_packing.storage import storefront_levels
from shared.testing.polling import wait_for
from tests.picking_packing.conftest import approved, events_in, line, stock_of, unique

T1 = datetime(2026, 12, 3, 10, 0, tzinfo=timezone.utc)
T2 = datetime(2026, 12, 3, 10, 0, 5, tzinfo=timezone.utc)


def receive(db, settings, *lines):
    with db.unit_of_work() as uow:
        inventory.receive(uow, {"lines": [{"sku": sku, "qty": qty} for sku, qty in lines]}, "W-1", settings)


def open_order(db, settings, *lines):
    with db.unit_of_work() as uow:
        return pick_lists.open_pick_list(uow, approved(*lines), settings).order_no


def round_at(db, now=T1):
    with db.unit_of_work() as uow:
        return stock_levels.tell_storefront(uow, now)


def told_events(db):
    return events_in(db, "stock_levels_changed")


def test_the_first_round_tells_every_sku_then_only_what_changed_and_one_event_carries_many(db, settings):
    cup, pot, pan = unique("CUP"), unique("POT"), unique("PAN")
    receive(db, settings, (cup, 10), (pot, 4), (pan, 7))
    assert round_at(db) == {cup: 10, pot: 4, pan: 7}
    (first,) = told_events(db)
    assert first["as_of"] == "2026-12-03T10:00:00Z"
    assert sorted((level["sku"], level["available"]) for level in first["levels"]) == sorted(
        [(cup, 10), (pot, 4), (pan, 7)])

    with db.read() as session:
        assert not stock_levels.anything_to_tell(session)
    assert round_at(db) == {} and len(told_events(db)) == 1          # nothing changed: nothing sent

    # Debounced: three orders within one round are one level per SKU, both SKUs in one event.
    open_order(db, settings, line(cup, 2))
    open_order(db, settings, line(cup, 3), line(pot, 1))
    open_order(db, settings, line(cup, 1))
    with db.read() as session:
        assert stock_levels.anything_to_tell(session)
    assert round_at(db, T2) == {cup: 4, pot: 3}
    assert [sorted((l["sku"], l["available"]) for l in e["levels"]) for e in told_events(db)][1:] == [
        sorted([(cup, 4), (pot, 3)])]
    with db.read() as session:
        assert stock_levels.last_told(session, [cup, pan, unique("NEVER")]) == {
            cup: {"available": 4, "sent_at": T2}, pan: {"available": 7, "sent_at": T1}}


def test_a_change_of_one_unit_is_told_and_zero_is_told_a_change_undone_within_the_round_is_not(db, settings):
    sku = unique("SKU")
    receive(db, settings, (sku, 3))
    round_at(db)
    order_no = open_order(db, settings, line(sku, 1))
    assert round_at(db) == {sku: 2}                          # one unit less
    with db.unit_of_work() as uow:
        pick_lists.cancel(uow, order_no, "cancelled: buyer changed mind", settings)
    open_order(db, settings, line(sku, 1))
    assert round_at(db) == {}                                 # released and reserved again: still 2
    open_order(db, settings, line(sku, 2))
    assert round_at(db) == {sku: 0}                           # sold out: the storefront stops selling it
    assert stock_of(db, sku) == (3, 3)


def test_a_shipment_of_reserved_goods_changes_nothing_sellable_a_count_does(db, settings):
    """Handed over: on hand and reserved fall together, available stays; a count (盘点) moves it."""
    sku = unique("SKU")
    receive(db, settings, (sku, 5))
    order_no = open_order(db, settings, line(sku, 2))
    round_at(db)
    with db.unit_of_work() as uow:
        sheet = pick_lists.locked(uow.session, order_no)
        pick_lists.save(uow.session, sheet, status="packed")
    with db.unit_of_work() as uow:
        handed_over.shipped(uow, {"order_no": order_no, "shipper": "H-1", "shipped_at": T1, "tracking_no": "T1"})
    assert stock_of(db, sku) == (3, 0) and round_at(db) == {}
    with db.unit_of_work() as uow:
        inventory.post_count(uow, {"lines": [{"sku": sku, "counted": 1}], "reason": "broken"}, "W-1", settings)
    assert round_at(db) == {sku: 1}


def test_over_500_skus_go_in_several_events_of_one_round(db, settings):
    skus = [f"BULK-{n:04d}" for n in range(501)]
    with db.unit_of_work() as uow:
        uow.session.execute(sa.insert(StockItem), [{"sku": s, "on_hand": 2, "reserved": 0, "low_warned": False}
                                                   for s in skus])
    assert len(round_at(db)) == 501
    assert [len(e["levels"]) for e in told_events(db)] == [500, 1]
    with db.unit_of_work() as uow:
        uow.session.execute(sa.update(StockItem).where(StockItem.sku.in_(skus[:500])).values(on_hand=1))
    round_at(db)
    assert [len(e["levels"]) for e in told_events(db)] == [500, 1, 500]   # exactly 500: one event


def test_a_round_that_lost_the_race_leaves_the_sku_to_the_one_that_won(db, settings):
    """Two instances' rounds at once: the level is recorded with a guard, so only one event carries it."""
    sku = unique("SKU")
    receive(db, settings, (sku, 4))
    with db.read() as session:
        (stale,) = [level for level in storefront_levels.due(session, 10) if level.sku == sku]
    assert round_at(db) == {sku: 4}
    with db.unit_of_work() as uow:
        assert storefront_levels.mark_told(uow.session, stale, T2) is False
    open_order(db, settings, line(sku, 1))
    with db.read() as session:
        (stale,) = storefront_levels.due(session, 10)
    assert round_at(db) == {sku: 3}
    with db.unit_of_work() as uow:
        assert storefront_levels.mark_told(uow.session, stale, T2) is False


def test_the_service_tells_the_storefront_on_its_timer(warehouse):
    wh = warehouse(STOCK_LEVELS_DEBOUNCE_SECONDS=0.2)
    sku = unique("SKU")
    wh.receive((sku, 6))
    told = wait_for(lambda: [l for e in wh.events("stock_levels_changed") for l in e["levels"] if l["sku"] == sku],
                    timeout=15, message="no stock level told")
    assert told == [{"sku": sku, "available": 6}]
    wh.approve(line(sku, 4))
    wait_for(lambda: [l for e in wh.events("stock_levels_changed") for l in e["levels"]
                      if l == {"sku": sku, "available": 2}], timeout=15, message="the reservation was not told")
    shown = wait_for(lambda: (lambda item: item if item["storefront"]["available"] == 2 else None)(
        wh.http("GET", f"/stock/{sku}", role="manager").json()), timeout=15)
    assert (shown["available"], shown["storefront"]["available"]) == (2, 2)
    assert shown["storefront"]["sent_at"].endswith("Z")
    listed = {item["sku"]: item for item in wh.http("GET", "/stock").json()["stock"]}
    assert listed[sku]["storefront"] == shown["storefront"]


def test_before_its_first_round_the_stock_desk_shows_a_sku_was_never_told(warehouse):
    wh = warehouse(STOCK_LEVELS_DEBOUNCE_SECONDS=3600)
    sku = unique("SKU")
    wh.receive((sku, 6))
    assert wh.http("GET", f"/stock/{sku}").json()["storefront"] is None
    assert wh.events("stock_levels_changed") == []


def test_a_transfer_between_bins_tells_the_storefront_nothing_a_receipt_or_count_into_a_bin_does(db, settings):
    """Levels are each SKU's total over every warehouse and bin: moving goods (调拨) changes none."""
    sku, far = unique("SKU"), unique("W")[:12]
    with db.unit_of_work() as uow:
        inventory.save_warehouse(uow, far, {"name": far, "rank": 1, "provinces": {}})
        inventory.add_bin(uow, far, "A-01")
    receive(db, settings, (sku, 5))
    assert round_at(db)[sku] == 5
    with db.unit_of_work() as uow:
        inventory.transfer(uow, {"sku": sku, "qty": 2, "source": {}, "target": {"warehouse": far, "bin": "A-01"},
                                 "reason": "调拨"}, "W-1", settings)
    assert stock_of(db, sku) == (5, 0) and sku not in round_at(db)
    with db.unit_of_work() as uow:
        inventory.receive(uow, {"warehouse": far, "bin": "A-01", "lines": [{"sku": sku, "qty": 1}]}, "W-1", settings)
    assert round_at(db)[sku] == 6
    with db.unit_of_work() as uow:
        inventory.post_count(uow, {"warehouse": far, "bin": "A-01", "lines": [{"sku": sku, "counted": 2}],
                                   "reason": "broken"}, "W-1", settings)
    assert round_at(db)[sku] == 5
