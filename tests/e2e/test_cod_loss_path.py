"""The COD loss path whole (issue 18 item 4; 000 art. 6: about 30 % of COD parcels come back, 15 %
because nobody reached the recipient): one storefront COD order, then the courier's news as
shipping labels tells it, to the four services that act on it, each on its own database."""
import requests

from services.after_sales.models import SalesOrder
from services.order_review.models import CodRefusal
from services.picking_packing.models import PickList
from shared.testing.bus import publish_event
from shared.testing.polling import wait_for
from tests.after_sales.conftest import storefront_order


def test_a_cod_parcel_not_delivered_then_back_is_called_received_refused_and_remembered(
        start_service, publish_order, rabbit_config):
    review, warehouse, after_sales, care = (start_service(name) for name in (
        "order_review", "picking_packing", "after_sales", "customer_retention"))
    order = publish_order(event=storefront_order(method="cod"))["order"]
    order_no, uri = order["order_no"], rabbit_config["AMQP_URI"]

    def stored(service, model, key):
        with service.db.read() as session:
            return session.get(model, key)
    wait_for(lambda: stored(warehouse, PickList, order_no), message="never approved to the warehouse")
    wait_for(lambda: stored(after_sales, SalesOrder, order_no), message="after-sales never heard of it")

    def care_tasks(status="open"):   # the calls (the empty warehouse also has the customer told: out of stock)
        tasks = requests.get(care.url("/care-tasks"), params={"view": "all", "status": status}, timeout=10,
                             headers=care.headers("manager", "M-1")).json()["tasks"]
        return [task for task in tasks if task["kind"] in ("cod_delivery_call", "cod_refusal_call")]
    parcel = {"order_no": order_no, "tracking_no": "EE123456785CN"}
    publish_event(uri, "shipping_labels", "parcel_delivery_failed", {**parcel, "reason": "电话无人接听"})
    call, = wait_for(care_tasks, message="no call to the recipient")
    assert (call["kind"], call["colour"]) == ("cod_delivery_call", "green")

    publish_event(uri, "shipping_labels", "parcel_returned_to_sender", {
        **parcel, "payment_method": "cod", "cod_amount_not_collected": order["total"]})
    assert wait_for(lambda: stored(after_sales, SalesOrder, order_no).status == "refused", message="not refused")
    receipt = wait_for(lambda: requests.get(warehouse.url(f"/parcel-returns/{order_no}"), timeout=10,
                                            headers=warehouse.headers("warehouse", "W-1")).json().get("lines"),
                       message="the warehouse expects no parcel")
    assert sorted((line["sku"], line["qty"], line["outcome"]) for line in receipt) == [
        ("SKU-001", 2, None), ("SKU-006", 1, None)]
    wait_for(lambda: [t["kind"] for t in care_tasks()] == ["cod_refusal_call"], message="call not replaced")
    assert [t["kind"] for t in care_tasks("cancelled")] == ["cod_delivery_call"]
    refusal = wait_for(lambda: stored(review, CodRefusal, order_no), message="review does not remember the refusal")
    assert str(refusal.amount_not_collected) == order["total"]
