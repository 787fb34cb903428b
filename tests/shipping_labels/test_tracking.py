"""Carrier tracking pushes: checked, recorded once, and told on (000 art. 6: ~30% of COD parcels come back)."""
import uuid
from datetime import timedelta

import pytest

from services.shipping_labels import handover, labelling, s10, tracking
from services.shipping_labels.models import Shipment
from shared.errors import Conflict, NotFound, RuleViolation
from tests.shipping_labels.factories import T0, approved, events, handed_over, packed


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
            run(handover.hand_over, desk, handed_over(order["order_no"], tracking_no))
        return order["order_no"], tracking_no
    return ship


def scan(tracking_no, status, hours=30, **extra):
    return {"event_id": str(uuid.uuid4()), "tracking_no": tracking_no, "status": status,
            "occurred_at": T0 + timedelta(hours=hours), "location": "杭州", "reason": None, **extra}


def test_delivery_is_recorded_once_and_published(db, desk, run, shipped):
    number, tracking_no = shipped()
    assert run(tracking.record, desk, scan(tracking_no, "in_transit", hours=10), T0)[0] is True
    first = run(tracking.record, desk, scan(tracking_no, "delivered"), T0)
    again = run(tracking.record, desk, scan(tracking_no, "delivered"), T0)   # pushed twice, other event id
    assert (first[0], again[0]) == (True, False)
    delivered = events(db, "parcel_delivered")
    assert [(e["order_no"], e["tracking_no"]) for e in delivered] == [(number, tracking_no)]
    assert first[1].status == "delivered"


def test_a_refused_cod_parcel_reports_the_money_not_collected(db, desk, run, shipped):
    number, tracking_no = shipped(cod="88.00")
    run(tracking.record, desk, scan(tracking_no, "delivery_failed", hours=20, reason="电话无人接听"), T0)
    run(tracking.record, desk, scan(tracking_no, "returned_to_sender", reason="拒收"), T0)
    assert events(db, "parcel_delivery_failed")[0]["reason"] == "电话无人接听"
    returned = events(db, "parcel_returned_to_sender")[0]
    assert (returned["order_no"], returned["payment_method"], returned["cod_amount_not_collected"]) == (
        number, "cod", "88.00")
    run(tracking.record, desk, scan(tracking_no, "delivered", hours=40), T0)   # late scan: history only
    assert events(db, "parcel_delivered") == []


def test_unknown_malformed_or_not_yet_handed_over_numbers_are_refused(desk, run, shipped):
    with pytest.raises(RuleViolation, match="check digit"):
        run(tracking.record, desk, scan("EE700000004CN", "delivered"), T0)
    with pytest.raises(NotFound):
        run(tracking.record, desk, scan(s10.compose("EE", 12121212), "delivered"), T0)
    _, not_handed = shipped(hand_over=False)
    with pytest.raises(Conflict, match="not been handed over"):
        run(tracking.record, desk, scan(not_handed, "in_transit"), T0)
