"""Issue #16 item 11: a carrier writes only its own parcels' history, and only dated between the
hand-over and now (plus the allowed clock skew), on the running shipping labels service (real
broker, real database, HTTP). A refused scan changes nothing: no scan, no history, no event."""
import uuid
from datetime import timedelta

import pytest
import requests
import sqlalchemy as sa

from services.shipping_labels import s10
from services.shipping_labels.models import Base, ShipmentHistory, TrackingEvent
from services.shipping_labels.tracking import DEFAULT_CLOCK_SKEW
from shared.testing.bus import publish_event
from shared.testing.polling import wait_for
from shared.timeutil import to_iso, utcnow
from tests.shipping_labels.factories import approved, hand_over_at, packed

HANDED_OVER_AT = (utcnow() - timedelta(hours=2)).replace(microsecond=0)
RANGES = {"EMS": (s10.compose("EE", 60000000), s10.compose("EE", 60000009)),
          "ZTO": ("735000000001", "735000000010")}


class Floor:
    """The running service with one handed-over parcel per carrier (COD goes EMS, prepaid ZTO)."""

    def __init__(self, service):
        self.service = service
        for carrier, (first, last) in RANGES.items():
            loaded = self.call("POST", "/waybill-ranges", "warehouse", "W-1", {
                "carrier": carrier, "first_number": first, "last_number": last},
                **{"Idempotency-Key": str(uuid.uuid4())})
            assert loaded.status_code == 201, loaded.text
        self.parcels = {"EMS": self.ship(cod="88.00"), "ZTO": self.ship(cod="0.00")}

    def call(self, method, path, role, staff, body=None, **headers):
        return requests.request(method, self.service.url(path), json=body, timeout=10,
                                headers=self.service.headers(role, staff, **headers))

    def publish(self, source, event_type, payload):
        publish_event(self.service.config["AMQP_URI"], source, event_type, payload)

    def shipment(self, order_no):
        return self.call("GET", f"/shipments/{order_no}", "agent", "A-1").json()

    def ship(self, cod):
        order = approved(cod=cod)
        order_no = order["order_no"]
        self.publish("order_review", "order_approved", order)
        self.publish("picking_packing", "parcel_packed", packed(order_no))
        tracking_no = wait_for(lambda: self.shipment(order_no).get("tracking_no"), message="never labelled")
        assert hand_over_at(self.service.db, tracking_no, at=HANDED_OVER_AT)[0] == 200
        wait_for(lambda: self.shipment(order_no)["status"] == "shipped", message="never shipped")
        return order_no, tracking_no

    def post(self, carrier_parcel, status, occurred_at, role="carrier", staff=None):
        order_no, tracking_no = self.parcels[carrier_parcel]
        return self.call("POST", "/tracking-events", role, staff, {
            "event_id": str(uuid.uuid4()), "tracking_no": tracking_no, "status": status,
            "occurred_at": to_iso(occurred_at), "location": "杭州"})

    def left_by_scans(self, order_no):
        """What scans of this parcel have left behind: scans, history notes, events, its status."""
        outbox = Base.metadata.tables["outbox"]
        with self.service.db.read() as session:
            return {
                "scans": session.scalars(sa.select(TrackingEvent.status)
                                         .where(TrackingEvent.order_no == order_no)).all(),
                "notes": session.scalars(sa.select(ShipmentHistory.kind).where(
                    ShipmentHistory.order_no == order_no, ShipmentHistory.kind.like("tracking_%"))).all(),
                "events": session.scalars(sa.select(outbox.c.event_type).where(
                    outbox.c.aggregate_id == order_no,
                    outbox.c.event_type.in_(["parcel_delivered", "parcel_delivery_failed",
                                             "parcel_returned_to_sender"]))).all(),
                "status": self.shipment(order_no)["status"],
            }


@pytest.fixture
def floor(start_service):
    return Floor(start_service("shipping_labels"))


NOTHING = {"scans": [], "notes": [], "events": [], "status": "shipped"}


def test_issue_scenario_another_carriers_token_cannot_deliver_a_parcel(floor):
    """EMS posts `delivered`, dated before the order existed, for a ZTO parcel."""
    order_no, tracking_no = floor.parcels["ZTO"]
    answer = floor.post("ZTO", "delivered", HANDED_OVER_AT.replace(year=2020, month=1, day=1), staff="EMS")
    assert (answer.status_code, answer.json()["error"]) == (403, "not_your_parcel")
    assert tracking_no in answer.json()["message"]
    assert order_no not in answer.text and "ZTO" not in answer.text   # nothing more than needed
    assert floor.left_by_scans(order_no) == NOTHING


def test_a_carrier_posts_for_its_own_parcels_and_a_manager_for_any(floor):
    """The other side of the scope: each carrier on its own parcel; a manager is not scoped to one."""
    scan_at = HANDED_OVER_AT + timedelta(hours=1)
    assert floor.post("ZTO", "in_transit", scan_at, staff="ZTO").status_code == 201
    assert floor.post("EMS", "in_transit", scan_at, staff="EMS").status_code == 201
    assert floor.post("ZTO", "delivered", scan_at, role="manager", staff="M-1").status_code == 201
    assert floor.left_by_scans(floor.parcels["ZTO"][0])["status"] == "delivered"
    refused = floor.post("EMS", "delivered", scan_at, staff="ZTO")
    assert (refused.status_code, refused.json()["error"]) == (403, "not_your_parcel")
    assert floor.left_by_scans(floor.parcels["EMS"][0])["status"] == "shipped"


def test_a_scan_before_the_hand_over_is_refused_and_one_at_it_recorded(floor):
    order_no = floor.parcels["ZTO"][0]
    for role, staff in (("carrier", "ZTO"), ("manager", "M-1")):
        early = floor.post("ZTO", "delivered", HANDED_OVER_AT - timedelta(seconds=1), role=role, staff=staff)
        assert (early.status_code, early.json()["error"]) == (422, "implausible_date"), early.text
        assert "hand" in early.json()["fields"]["occurred_at"][0]
    assert floor.left_by_scans(order_no) == NOTHING
    at_hand_over = floor.post("ZTO", "in_transit", HANDED_OVER_AT, staff="ZTO")
    assert (at_hand_over.status_code, at_hand_over.json()["recorded"]) == (201, True)


def test_a_scan_from_the_future_is_refused_beyond_the_clock_skew(floor):
    """The skew (TRACKING_CLOCK_SKEW_SECONDS, 5 minutes) is measured on the service's clock: 5 s of
    margin either side for the request's own travel."""
    order_no = floor.parcels["EMS"][0]
    ahead = floor.post("EMS", "delivered", utcnow() + DEFAULT_CLOCK_SKEW + timedelta(seconds=5), staff="EMS")
    assert (ahead.status_code, ahead.json()["error"]) == (422, "implausible_date"), ahead.text
    assert "future" in ahead.json()["fields"]["occurred_at"][0]
    assert floor.left_by_scans(order_no) == NOTHING
    within = floor.post("EMS", "delivered", utcnow() + DEFAULT_CLOCK_SKEW - timedelta(seconds=5), staff="EMS")
    assert within.status_code == 201, within.text
    assert floor.left_by_scans(order_no)["status"] == "delivered"
