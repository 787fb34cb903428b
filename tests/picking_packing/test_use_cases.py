"""Use cases straight on the database (no broker): the rule variants the flows don't need to repeat."""
from services.picking_packing import inventory, pick_lists
from services.picking_packing.models import PickList
from services.picking_packing.settings import Settings
from tests.picking_packing.conftest import approved, earlier, events_in, line, stock_of, unique


def status_of(db, order_no):
    with db.read() as session:
        return session.get(PickList, order_no).status


def open_order(db, settings, *lines, minutes_ago=0):
    with db.unit_of_work() as uow:
        return pick_lists.open_pick_list(uow, approved(*lines, approved_at=earlier(minutes_ago)), settings).order_no


def cancel(db, settings, order_no):
    with db.unit_of_work() as uow:
        pick_lists.cancel(uow, order_no, "cancelled: buyer changed mind", settings)


def test_cancelling_a_waiting_order_lets_the_next_in_line_be_served(db):
    """§2 缺货订单: the order that waited longest is served first; once it is gone, the next one is (strict first
    come, first served: no overtaking, issue #23)."""
    settings = Settings(fifo_overtake_limit=0)
    sku = unique("SKU")
    with db.unit_of_work() as uow:
        inventory.receive(uow, {"lines": [{"sku": sku, "qty": 1}]}, "W-1", settings)
    big = open_order(db, settings, line(sku, 3), minutes_ago=10)
    small = open_order(db, settings, line(sku, 1), minutes_ago=5)
    assert (status_of(db, big), status_of(db, small)) == ("waiting_stock", "waiting_stock")
    cancel(db, settings, big)
    assert (status_of(db, big), status_of(db, small)) == ("cancelled", "ready")
    assert stock_of(db, sku) == (1, 1)
    assert events_in(db, "pick_list_cancelled", order_no=big)[0]["restock_task"] is False
    cancel(db, settings, big)     # a second cancellation changes nothing
    assert len(events_in(db, "pick_list_cancelled", order_no=big)) == 1


def test_a_handed_over_parcel_is_not_cancelled_here(db, settings):
    """After hand-over a refund is after-sales' interception; the warehouse has nothing to give back."""
    sku = unique("SKU")
    with db.unit_of_work() as uow:
        inventory.receive(uow, {"lines": [{"sku": sku, "qty": 1}]}, "W-1", settings)
    order_no = open_order(db, settings, line(sku, 1))
    with db.unit_of_work() as uow:
        uow.session.get(PickList, order_no).status = "handed_over"
    cancel(db, settings, order_no)
    assert status_of(db, order_no) == "handed_over" and not events_in(db, "pick_list_cancelled")


def test_an_order_approved_twice_opens_one_pick_list(db, settings):
    sku = unique("SKU")
    with db.unit_of_work() as uow:
        inventory.receive(uow, {"lines": [{"sku": sku, "qty": 5}]}, "W-1", settings)
    event = approved(line(sku, 2))
    for _ in range(2):
        with db.unit_of_work() as uow:
            pick_lists.open_pick_list(uow, event, settings)
    assert stock_of(db, sku) == (5, 2)
    assert len(events_in(db, "stock_reserved", order_no=event["order_no"])) == 1
