"""A parcel returned to sender (issue 18 item 4; 000 art. 6: about 30 % of COD parcels come back): a
COD order closes as refused by the buyer (拒收), with any case still open about it; a prepaid one is
returned, its goods secured."""
import json
from datetime import datetime, timezone

from contracts.storefront import OrderPlaced
from services.after_sales import orders, parcels
from services.after_sales.models import RefundCase, SalesOrder
from shared.testing.bus import publish_event
from tests.after_sales.conftest import storefront_order
from tests.after_sales.test_sla_flow import outbox

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)


def returned(method, order_no, amount):
    return {"order_no": order_no, "tracking_no": "EE123456785CN", "payment_method": method,
            "cod_amount_not_collected": amount}


def test_over_the_bus_a_cod_parcel_back_is_an_order_refused_by_the_buyer(desk):
    cod, prepaid = desk.place(method="cod"), desk.place()
    for order_no, method, amount in ((cod, "cod", "137.90"), (prepaid, "prepaid", "0.00")):
        desk.ship(order_no)
        publish_event(desk.amqp_uri, "shipping_labels", "parcel_returned_to_sender", returned(method, order_no, amount))
    refused, back = desk.wait_order(cod, "refused"), desk.wait_order(prepaid, "returned")
    assert (refused.goods_secured_how, back.goods_secured_how) == ("returned_to_sender", "returned_to_sender")
    assert refused.paid_amount == 0 and refused.refunded == 0   # the courier collected nothing


def test_an_open_case_on_a_refused_cod_order_closes_as_refused(after_sales_db):
    db = after_sales_db
    order = OrderPlaced().load(storefront_order(method="cod"))["order"]
    with db.unit_of_work() as uow:
        orders.record_order(uow, order)
        uow.session.flush()
        orders.record_shipped(uow, {"order_no": order["order_no"], "tracking_no": "EE123456785CN",
                                    "shipped_at": NOW})
        # None can be opened over HTTP (nothing paid, nothing delivered): one left from before, say.
        uow.session.add(RefundCase(
            order_no=order["order_no"], customer_id="C1", case_type="refund_only", status="pending_approval",
            reason="not_received", lines=[{"sku": "SKU-001", "qty": 1}], amount=0, assignee="A-1",
            opened_by="A-1", opened_at=NOW, updated_at=NOW, sla_budget_s=3600))
    with db.unit_of_work() as uow:
        parcels.parcel_returned(uow, {**returned("cod", order["order_no"], "137.90"), "occurred_at": NOW}, NOW)
    with db.read() as session:
        case = session.query(RefundCase).filter_by(order_no=order["order_no"]).one()
        assert (case.status, case.outcome, case.closed_at) == ("closed", "refused_by_buyer", NOW)
        assert session.get(SalesOrder, order["order_no"]).status == "refused"
    closed, = [json.loads(payload) for payload in outbox(db, "case_closed")]
    assert (closed["outcome"], closed["by"]) == ("refused_by_buyer", "carrier")
