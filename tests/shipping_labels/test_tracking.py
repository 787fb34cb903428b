"""Carrier tracking pushes: checked, recorded once, and told on (000 art. 6: ~30% of COD parcels come back)."""
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from services.shipping_labels import labelling, s10, tracking
from services.shipping_labels.settings import Settings as ShippingDesk
from services.shipping_labels.models import Shipment, TrackingEvent
from shared.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from tests.shipping_labels.factories import HANDED_OVER_AT, T0, approved, events, hand_over_at, packed

NOW = T0 + timedelta(days=3)   # when the scans reach us: after every scan below
HANDED_OVER = HANDED_OVER_AT


@pytest.fixture
def shipped(db, desk, run):
    run(labelling.load_range, desk, {"carrier": "EMS", "first_number": s10.compose("EE", 70000000),
                                      "last_number": s10.compose("EE", 70000009)}, "W-1", T0)

    def ship(cod="88.00", hand_over=True):
        order = approved(cod=cod)
        run(labelling.expect_shipment, order, T0)
        run(labelling.parcel_packed, desk, packed(order["order_no"]))
        with db.read() as session:
            tracking_no = session.get(Shipment, order["order_no"]).tracking_no
        if hand_over:
            assert hand_over_at(db, tracking_no)[0] == 200
        return order["order_no"], tracking_no
    return ship


def scan(tracking_no, status, hours=30, **extra):
    return {"event_id": str(uuid.uuid4()), "tracking_no": tracking_no, "status": status,
            "occurred_at": T0 + timedelta(hours=hours), "location": "杭州", "reason": None, **extra}


def test_delivery_is_recorded_once_and_published(db, desk, run, shipped):
    number, tracking_no = shipped()
    assert run(tracking.record, desk, scan(tracking_no, "in_transit", hours=10), NOW)[0] is True
    first = run(tracking.record, desk, scan(tracking_no, "delivered"), NOW)
    again = run(tracking.record, desk, scan(tracking_no, "delivered"), NOW)   # pushed twice, other event id
    assert (first[0], again[0]) == (True, False)
    delivered = events(db, "parcel_delivered")
    assert [(e["order_no"], e["tracking_no"]) for e in delivered] == [(number, tracking_no)]
    assert first[1].status == "delivered"


def test_a_refused_cod_parcel_reports_the_money_not_collected(db, desk, run, shipped):
    number, tracking_no = shipped(cod="88.00")
    run(tracking.record, desk, scan(tracking_no, "delivery_failed", hours=20, reason="电话无人接听"), NOW)
    run(tracking.record, desk, scan(tracking_no, "returned_to_sender", reason="拒收"), NOW)
    assert events(db, "parcel_delivery_failed")[0]["reason"] == "电话无人接听"
    returned = events(db, "parcel_returned_to_sender")[0]
    assert (returned["order_no"], returned["payment_method"], returned["cod_amount_not_collected"]) == (
        number, "cod", "88.00")
    run(tracking.record, desk, scan(tracking_no, "delivered", hours=40), NOW)   # late scan: history only
    assert events(db, "parcel_delivered") == []


@pytest.mark.parametrize("status", ["intercepted", "returning"])
def test_an_intercepted_or_returning_parcel_is_told_and_a_later_delivery_still_is(db, desk, run, shipped, status):
    """#18 item 1: after-sales pays a not-received refund only once the parcel is coming back; if the
    interception fails and the courier delivers after all, that is told too (a recovery case)."""
    number, tracking_no = shipped()
    assert run(tracking.record, desk, scan(tracking_no, status, hours=12, reason="客户申请拦截"), NOW)[0] is True
    coming_back, = events(db, "parcel_returning")
    assert (coming_back["order_no"], coming_back["tracking_no"], coming_back["status"]) == (number, tracking_no, status)
    assert coming_back["scanned_at"] == "2026-11-23T14:00:00Z"   # T0 + 12 h: the scan's time, not ours
    assert run(tracking.record, desk, scan(tracking_no, "delivered", hours=30), NOW)[1].status == "delivered"
    assert [e["order_no"] for e in events(db, "parcel_delivered")] == [number]


def test_unknown_malformed_or_not_yet_handed_over_numbers_are_refused(desk, run, shipped):
    with pytest.raises(RuleViolation, match="check digit"):
        run(tracking.record, desk, scan("EE700000004CN", "delivered"), NOW)
    with pytest.raises(NotFound):
        run(tracking.record, desk, scan(s10.compose("EE", 12121212), "delivered"), NOW)
    _, not_handed = shipped(hand_over=False)
    with pytest.raises(Conflict, match="not been handed over"):
        run(tracking.record, desk, scan(not_handed, "in_transit"), NOW)


def scans_stored(db, tracking_no):
    with db.read() as session:
        return session.scalars(sa.select(TrackingEvent.status).where(TrackingEvent.tracking_no == tracking_no)).all()


def test_a_carrier_records_only_its_own_parcels(db, desk, run, shipped):
    """#16 item 11: the carrier a token speaks for must be the waybill's; staff (None) are not scoped."""
    _, tracking_no = shipped(cod="88.00")   # COD: an EMS parcel
    with pytest.raises(PermissionDenied) as refused:
        run(tracking.record, desk, scan(tracking_no, "delivered"), NOW, carrier="ZTO")
    assert refused.value.code == "not_your_parcel" and scans_stored(db, tracking_no) == []
    assert run(tracking.record, desk, scan(tracking_no, "in_transit", hours=10), NOW, carrier="EMS")[0] is True
    assert run(tracking.record, desk, scan(tracking_no, "delivered"), NOW, carrier=None)[0] is True


@pytest.mark.parametrize("occurred_at, refused", [
    (HANDED_OVER - timedelta(seconds=1), "before the parcel was handed over"),
    (HANDED_OVER, None),
    (NOW + tracking.DEFAULT_CLOCK_SKEW, None),
    (NOW + tracking.DEFAULT_CLOCK_SKEW + timedelta(seconds=1), "in the future"),
])
def test_a_scan_is_dated_between_the_hand_over_and_now_plus_the_clock_skew(db, desk, run, shipped, occurred_at,
                                                                           refused):
    """#16 item 11: each boundary on both sides; a refused scan leaves nothing."""
    _, tracking_no = shipped()
    push = {**scan(tracking_no, "in_transit"), "occurred_at": occurred_at}
    if refused is None:
        assert run(tracking.record, desk, push, NOW)[0] is True
        assert scans_stored(db, tracking_no) == ["in_transit"]
        return
    with pytest.raises(RuleViolation) as error:
        run(tracking.record, desk, push, NOW)
    assert error.value.code == "implausible_date" and refused in error.value.details["fields"]["occurred_at"][0]
    assert scans_stored(db, tracking_no) == []


def test_the_clock_skew_is_configuration():
    skew = ShippingDesk.from_config({"TRACKING_CLOCK_SKEW_SECONDS": 60}).tracking_clock_skew
    assert skew == timedelta(seconds=60)
    assert ShippingDesk.from_config({}).tracking_clock_skew == tracking.DEFAULT_CLOCK_SKEW == timedelta(minutes=5)
    assert tracking.date_problem(NOW + timedelta(seconds=60), HANDED_OVER, NOW, skew) is None
    assert "future" in tracking.date_problem(NOW + timedelta(seconds=61), HANDED_OVER, NOW, skew)


def test_the_storefront_is_told_the_waybill_at_the_hand_over_and_every_carrier_scan_once(db, desk, run, shipped):
    """#23 物流回传: `tracking_updated`, the storefront's own event (contracts/storefront_feed.py): the carrier,
    waybill and order at the hand-over's time, then each scan stored (after delivery too), never one twice."""
    number, tracking_no = shipped()
    told = events(db, "tracking_updated")
    assert told == [{"event_id": told[0]["event_id"], "occurred_at": told[0]["occurred_at"], "order_no": number,
                     "carrier": "EMS", "tracking_no": tracking_no, "status": "handed_over",
                     "at": "2026-11-23T05:00:00Z", "location": None}]   # HANDED_OVER: T0 + 3 h
    run(tracking.record, desk, scan(tracking_no, "in_transit", hours=10), NOW)
    run(tracking.record, desk, scan(tracking_no, "delivered", hours=30), NOW)
    run(tracking.record, desk, scan(tracking_no, "delivered", hours=30), NOW)    # pushed twice: told once
    run(tracking.record, desk, scan(tracking_no, "in_transit", hours=31), NOW)   # late: history, still told
    assert [(e["status"], e["at"], e["location"]) for e in events(db, "tracking_updated")] == [
        ("handed_over", "2026-11-23T05:00:00Z", None), ("in_transit", "2026-11-23T12:00:00Z", "杭州"),
        ("delivered", "2026-11-24T08:00:00Z", "杭州"), ("in_transit", "2026-11-24T09:00:00Z", "杭州")]


def test_nothing_is_told_to_the_storefront_before_the_hand_over_or_for_a_refused_scan(db, desk, run, shipped):
    number, tracking_no = shipped(hand_over=False)
    with pytest.raises(Conflict):
        run(tracking.record, desk, scan(tracking_no, "in_transit"), NOW)
    assert events(db, "tracking_updated") == []
    assert hand_over_at(db, tracking_no)[0] == 200 and hand_over_at(db, tracking_no)[0] == 409   # scanned again
    assert [e["status"] for e in events(db, "tracking_updated")] == ["handed_over"]
