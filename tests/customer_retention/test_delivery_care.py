"""Care tasks around a parcel's delivery (issue 18): a COD parcel the courier could not deliver means
a call to the recipient inside an SLA, flagged red/yellow/green (§8; 000 art. 6: 主动与收件人联系);
nobody asks a buyer who says the parcel never came, or was refunded before it came, how the
delivery went. On the real database, and over the real broker."""
from datetime import datetime, timedelta

import pytest
import requests

from services.customer_retention import care
from services.customer_retention.settings import Settings
from shared.testing.bus import publish_event
from shared.testing.polling import wait_for
from shared.timeutil import utcnow
from tests.customer_retention.conftest import T0, order_event
from tests.customer_retention.test_care import place, react, tasks


def failed(db, settings, order, reason="电话无人接听", at=T0):
    react(db, settings, "shipping_labels", "parcel_delivery_failed", {
        "order_no": order["order_no"], "tracking_no": "EE123456785CN", "reason": reason, "occurred_at": at.isoformat()})


def delivered(db, settings, order):
    react(db, settings, "shipping_labels", "parcel_delivered", {
        "order_no": order["order_no"], "tracking_no": "EE123456785CN", "delivered_at": T0.isoformat()})


def kinds(db, settings):
    return [(t["kind"], t["order_no"]) for t in tasks(db, settings, queue=True)]


def test_a_failed_cod_delivery_means_a_call_to_the_recipient_a_prepaid_one_does_not(db, settings):
    cod, prepaid = place(db, settings, method="cod"), place(db, settings)
    before = utcnow()
    failed(db, settings, cod)
    failed(db, settings, prepaid)
    call, = tasks(db, settings, queue=True)
    address = cod["shipping_address"]
    assert (call["kind"], call["order_no"], call["status"]) == ("cod_delivery_call", cod["order_no"], "open")
    assert "主动与收件人联系" in call["summary"] and "电话无人接听" in call["summary"]
    assert address["recipient"] in call["summary"] and address["phone"] in call["summary"]
    due = datetime.fromisoformat(call["due_at"].replace("Z", "+00:00"))
    hours = timedelta(hours=settings.cod_delivery_call_hours)
    assert before + hours - timedelta(seconds=1) <= due <= utcnow() + hours   # due 8 hours after the news


def test_one_open_call_per_order_and_a_new_one_after_a_later_failure(db, settings):
    cod = place(db, settings, method="cod")
    failed(db, settings, cod, at=T0)
    failed(db, settings, cod, at=T0 + timedelta(hours=1))    # still open: the same call
    assert len(tasks(db, settings, queue=True)) == 1
    task, = tasks(db, settings, queue=True)
    with db.unit_of_work() as uow:
        care.complete(uow, task["id"], "CARE1", "care", "unreachable", "无人接听", utcnow())
    failed(db, settings, cod, at=T0 + timedelta(days=1))     # the next attempt failed too: call again
    assert kinds(db, settings) == [("cod_delivery_call", cod["order_no"])]
    assert tasks(db, settings, queue=True)[0]["id"] != task["id"]


def test_the_call_is_green_then_yellow_within_the_last_hours_then_red_at_its_deadline(db, settings):
    failed(db, settings, place(db, settings, method="cod"))
    due = datetime.fromisoformat(tasks(db, settings, queue=True)[0]["due_at"].replace("Z", "+00:00"))
    yellow = timedelta(hours=settings.task_yellow_hours)

    def colour(now):
        return tasks(db, settings, now=now, queue=True)[0]["colour"]
    assert colour(due - yellow - timedelta(seconds=1)) == "green"
    assert colour(due - yellow) == "yellow"
    assert colour(due - timedelta(seconds=1)) == "yellow"
    assert colour(due) == "red"


def test_a_parcel_back_with_us_cancels_the_call_it_was_too_late_for(db, settings):
    cod = place(db, settings, method="cod")
    failed(db, settings, cod)
    react(db, settings, "shipping_labels", "parcel_returned_to_sender", {
        "order_no": cod["order_no"], "tracking_no": "EE123456785CN", "payment_method": "cod",
        "cod_amount_not_collected": "100.00"})
    assert kinds(db, settings) == [("cod_refusal_call", cod["order_no"])]
    cancelled, = tasks(db, settings, status="cancelled")
    assert cancelled["kind"] == "cod_delivery_call"
    failed(db, settings, cod, at=T0 + timedelta(hours=2))    # a failure told late: no call for a parcel back here
    assert kinds(db, settings) == [("cod_refusal_call", cod["order_no"])]


def refund(db, settings, order, case_id=5):
    react(db, settings, "after_sales", "refund_paid", {
        "case_id": case_id, "order_no": order["order_no"], "customer_id": order["customer"]["customer_id"],
        "amount": "100.00", "paid_by": "SUP1", "paid_at": T0.isoformat()})


def not_received(db, settings, order, case_id=5, reason="not_received"):
    react(db, settings, "after_sales", "case_opened", {
        "case_id": case_id, "order_no": order["order_no"], "customer_id": order["customer"]["customer_id"],
        "case_type": "refund_only", "reason": reason, "amount": "100.00", "agent": "A1", "difficult": False})


def test_no_how_was_the_delivery_for_an_order_refunded_before_it_was_delivered(db, settings):
    refunded_first, refunded_after = place(db, settings), place(db, settings)
    refund(db, settings, refunded_first)
    delivered(db, settings, refunded_first)          # the live case: refunded 250.00, then delivered
    delivered(db, settings, refunded_after)
    refund(db, settings, refunded_after, case_id=6)  # a return refunded after delivery: the visit stands
    assert kinds(db, settings) == [("follow_up_visit", refunded_after["order_no"])]


def test_no_how_was_the_delivery_for_a_buyer_who_says_it_never_came(db, settings):
    claimed_first, claimed_after, damaged = place(db, settings), place(db, settings), place(db, settings)
    not_received(db, settings, claimed_first)
    delivered(db, settings, claimed_first)
    delivered(db, settings, claimed_after)
    delivered(db, settings, damaged)
    not_received(db, settings, claimed_after, case_id=6)               # the visit asked for is withdrawn
    not_received(db, settings, damaged, case_id=7, reason="damaged")   # another complaint: the visit stands
    assert kinds(db, settings) == [("follow_up_visit", damaged["order_no"])]
    cancelled, = tasks(db, settings, status="cancelled")
    assert (cancelled["order_no"], cancelled["notes"]) == (claimed_after["order_no"], "not received, after-sales case 6")


def test_over_the_bus_a_failed_cod_delivery_opens_a_call_for_the_care_team(start_service, publish_order,
                                                                          rabbit_config):
    service = start_service("customer_retention")
    cod = publish_order(event=order_event(method="cod"))["order"]
    prepaid = publish_order(event=order_event())["order"]
    headers = service.headers("care", "CARE1")

    def record(order):
        key = "id:" + order["customer"]["customer_id"]
        return requests.get(service.url("/customers/record"), params={"customer_key": key}, headers=headers,
                            timeout=10).json()
    for order in (cod, prepaid):
        wait_for(lambda: record(order).get("orders"), message="order not recorded")
        publish_event(rabbit_config["AMQP_URI"], "shipping_labels", "parcel_delivery_failed", {
            "order_no": order["order_no"], "tracking_no": "EE123456785CN", "reason": "地址不详"})
    for order in (cod, prepaid):
        wait_for(lambda: record(order)["totals"]["failed_deliveries"] == 1, message="failure not recorded")

    queue = requests.get(service.url("/care-tasks"), params={"view": "queue"}, headers=headers, timeout=10)
    call, = queue.json()["tasks"]
    assert (call["kind"], call["order_no"], call["colour"], call["overdue"]) == (
        "cod_delivery_call", cod["order_no"], "green", False)


@pytest.mark.parametrize("hours", [1, 8])
def test_the_calls_sla_is_configurable(db, hours):
    settings = Settings.from_config({"COD_DELIVERY_CALL_HOURS": hours})
    before = utcnow()
    failed(db, settings, place(db, settings, method="cod"))
    due = datetime.fromisoformat(tasks(db, settings, queue=True)[0]["due_at"].replace("Z", "+00:00"))
    assert timedelta(hours=hours) - timedelta(seconds=1) <= due - before <= timedelta(hours=hours, seconds=5)
