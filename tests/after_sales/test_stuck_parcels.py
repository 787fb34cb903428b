"""Stuck parcels (001 3.13: 异常快递订单的反馈、跟踪; issue 18 item 6): shipping labels finds a parcel without a
scan for more than three days and after-sales opens an exception task in the agents' queue, yellow, once per
silence; an agent takes it up and closes it, or the carrier's delivery does."""
from datetime import timedelta

import sqlalchemy as sa

from services.after_sales.models import Base
from shared.testing.bus import publish_event
from shared.testing.polling import wait_for
from shared.timeutil import to_iso, utcnow
from tests.after_sales.conftest import Desk, Shipping


def stuck_cases(desk, order_no, **filters):
    answer = desk.call("GET", "/cases", params={"order_no": order_no, "case_type": "stuck_parcel", **filters})
    assert answer.status_code == 200, answer.text
    return answer.json()["cases"]


def processed(desk, event_ids):
    """Every one of these events is in after-sales' inbox: its handler committed."""
    inbox = Base.metadata.tables["inbox"]
    with desk.service.db.read() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(inbox).where(
            inbox.c.event_id.in_(event_ids))) == len(event_ids)


def test_a_silent_parcel_becomes_a_task_then_a_new_silence_another(start_service, rabbit_config, publish_order):
    desk = Desk(start_service("after_sales"), rabbit_config["AMQP_URI"], publish_order)
    shipping = Shipping(start_service("shipping_labels", STUCK_CHECK_SECONDS=0.2), desk)
    handed = utcnow() - timedelta(days=5)
    order_no, tracking_no = shipping.hand_over(handed)

    first, = wait_for(lambda: stuck_cases(desk, order_no), message="no task for the stuck parcel")
    assert (first["status"], first["assignee"], first["sla"]["colour"], first["reason"]) == (
        "exception_open", "agents", "yellow", "no_tracking_event")
    assert first["reason_text"] == f"ZTO {tracking_no}: no scan since {to_iso(handed)}, last: hand-over"
    assert [case["id"] for case in stuck_cases(desk, order_no, sla="yellow")] == [first["id"]]

    taken = desk.act(first["id"], "close", {"note": "快递：已找到，明日派送"}, role="agent", staff="A-7")
    assert (taken["status"], taken["assignee"], taken["outcome"]) == ("closed", "A-7", "followed_up")

    # It moved, and has been silent again for over three days since.
    shipping.scan(tracking_no, "in_transit", utcnow() - timedelta(days=3, minutes=1))
    wait_for(lambda: len(stuck_cases(desk, order_no)) == 2, message="no task for the second silence")
    second = stuck_cases(desk, order_no, status="exception_open")[0]
    assert second["reason_text"].endswith("last: in_transit")

    shipping.scan(tracking_no, "delivered", utcnow() - timedelta(minutes=5))
    closed = wait_for(lambda: (case := desk.case(second["id"]))["status"] == "closed" and case,
                      message="the delivery did not close the task")
    assert (closed["outcome"], closed["sla"]["colour"]) == ("parcel_delivered", "green")
    assert len(stuck_cases(desk, order_no)) == 2


def test_the_same_silence_told_twice_is_one_task(desk):
    order_no = desk.place()
    silence = {"order_no": order_no, "tracking_no": "EE123456785CN", "carrier": "EMS",
               "silent_since": utcnow() - timedelta(days=4), "last_status": "delivery_failed", "silent_days": 4}
    told = [silence, {**silence, "silent_days": 5}, {**silence, "last_status": None, "silent_days": 6}]
    sent = [publish_event(desk.amqp_uri, "shipping_labels", "parcel_stuck", event)["event_id"] for event in told]
    wait_for(lambda: processed(desk, sent), message="not every parcel_stuck was processed")
    cases = stuck_cases(desk, order_no)
    assert sorted(case["reason_text"].rsplit("last: ", 1)[1] for case in cases) == ["delivery_failed", "hand-over"]
    other_agent = desk.act(cases[0]["id"], "notes", {"text": "问快递", "kind": "internal"}, role="agent", staff="A-2",
                           expect=201)
    assert other_agent["assignee"] == "A-2"
    refused = desk.post(f"/cases/{cases[0]['id']}/close", {"note": ""}, role="agent", staff="A-3")
    assert refused.status_code == 403 and refused.json()["error"] == "assigned_to_another"


def test_a_stuck_parcel_told_after_its_delivery_opens_nothing(desk):
    """Different queues: the delivery may be processed before the stuck news published ahead of it."""
    order_no = desk.place()
    desk.deliver(order_no)
    sent = publish_event(desk.amqp_uri, "shipping_labels", "parcel_stuck", {
        "order_no": order_no, "tracking_no": "EE123456785CN", "carrier": "EMS",
        "silent_since": utcnow() - timedelta(days=4), "last_status": "in_transit", "silent_days": 4})
    wait_for(lambda: processed(desk, [sent["event_id"]]), message="parcel_stuck not processed")
    assert stuck_cases(desk, order_no) == []
