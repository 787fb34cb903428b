"""Issue #18 item 3 at the upgrade: the consumers the move of the hand-over scan removed (shipping labels' and
staff performance's parcel_handed_over, the floor's copy of the labels) have their queues retired by deploy.
What waited in them lands in the service's dead letters with the reason; a hand-over the old floor accepted says
how to ship it now, and posted to POST /handovers it does."""
import uuid

import pytest
import requests

from shared.messaging.dead_letters import list_dead_letters
from shared.messaging.deploy import declare_service
from shared.messaging.publisher import ConfirmedPublisher
from shared.messaging.retired import RETIRED, retire_queues
from shared.messaging.topology import consumer_queue, declare, events_exchange
from shared.service_registry import service_class
from tests.shipping_labels.factories import approved, handover_scan, packed
from tests.shipping_labels.test_service import load_range, publish, shipment_when  # noqa: F401

MOVED = [r for r in RETIRED if (r.source, r.event_type) in {("picking_packing", "parcel_handed_over"),
                                                            ("shipping_labels", "waybill_issued"),
                                                            ("shipping_labels", "waybill_voided")}]


def waiting_at_the_upgrade(uri, amqp_connection, retired, payload):
    """The release before consumed it, and this was waiting when deploy ran: -> the dead letters."""
    declare(amqp_connection, [consumer_queue(retired.source, retired.event_type, retired.service, retired.method)])
    ConfirmedPublisher(uri).publish(payload, exchange=events_exchange(retired.source).name,
                                    routing_key=retired.event_type)
    declare_service(uri, retired.service, service_class(retired.service), [1000])
    assert retire_queues(uri, retired.service) == {retired.queue_name: 1}
    return list_dead_letters(uri, retired.service)


def test_four_consumers_are_retired():
    assert sorted((r.service, r.method) for r in MOVED) == [
        ("picking_packing", "on_waybill_issued"), ("picking_packing", "on_waybill_voided"),
        ("shipping_labels", "on_parcel_handed_over"), ("staff_performance", "on_parcel_handed_over")]


@pytest.mark.parametrize("retired", MOVED, ids=lambda r: r.queue_name)
def test_what_waited_for_a_removed_consumer_is_kept_with_the_reason(rabbit_config, amqp_connection, retired):
    event_id = str(uuid.uuid4())
    letters = waiting_at_the_upgrade(rabbit_config["AMQP_URI"], amqp_connection, retired,
                                     {"event_id": event_id, "order_no": "SO-1", "tracking_no": "EE123456785CN"})
    assert [(letter.event_id, letter.reason) for letter in letters] == [(event_id, f"retired consumer: {retired.why}")]


def test_a_hand_over_the_old_floor_accepted_ships_once_posted_here(start_service, rabbit_config, amqp_connection,
                                                                   publish):
    service, uri = start_service("shipping_labels"), rabbit_config["AMQP_URI"]
    assert load_range(service, 20000000, 3).status_code == 201
    order = approved(cod="20.00")   # COD: EMS, whose range is loaded
    publish("order_review", "order_approved", order)
    publish("picking_packing", "parcel_packed", packed(order["order_no"]))
    tracking_no = shipment_when(service, order["order_no"], "labelled")["tracking_no"]
    retired = next(r for r in MOVED if r.service == "shipping_labels")
    [letter] = waiting_at_the_upgrade(uri, amqp_connection, retired, {
        "event_id": str(uuid.uuid4()), "order_no": order["order_no"], "tracking_no": tracking_no,
        "shipper": "SH-3", "station_id": "DOCK-1", "handed_over_at": "2026-12-01T02:00:00Z"})
    assert "post its tracking_no to POST /handovers" in letter.reason
    answer = requests.post(service.url("/handovers"), json=handover_scan(tracking_no), timeout=10,
                           headers=service.headers("shipper", "SH-3"))
    assert answer.status_code == 200, answer.text
    assert shipment_when(service, order["order_no"], "shipped")["tracking_no"] == tracking_no
