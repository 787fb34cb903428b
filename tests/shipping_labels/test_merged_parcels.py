"""Issue #23, 合单: picking_packing packs a merge group as one parcel (parcel_packed's `merged_orders`). Shipping
labels gives it one waybill, the other orders wait in it without a label of their own, and the parcel's hand-over
ships every order (order_shipped for each, under the one waybill); the carrier's scans of the parcel reach every
order in it (delivered, returned)."""
import uuid

import pytest

from contracts import picking_packing
from contracts.base import schema
from services.shipping_labels import labelling, merged_parcels, s10, tracking
from services.shipping_labels.http import manifests as manifest
from services.shipping_labels.models import Shipment, Waybill
from shared.testing.bus import publish_event
from tests.shipping_labels.factories import HANDED_OVER_AT, T0, approved, events, hand_over_at, packed
from tests.shipping_labels.test_service import call, hand_over, shipment_when
from tests.shipping_labels.test_tracking import NOW, scan

REMOTE = "新疆维吾尔自治区"   # prepaid parcels there go by EMS, whose numbers the tests load


def test_merged_orders_is_optional_so_old_publishers_still_validate():
    old = {**packed("SO-1"), "packed_at": "2026-11-23T02:00:00Z", "event_id": str(uuid.uuid4()),
           "occurred_at": "2026-11-23T02:00:00Z"}
    assert schema(picking_packing.ParcelPacked).load(old)["merged_orders"] == []
    merged = schema(picking_packing.ParcelPacked).load({**old, "merged_orders": ["SO-2", "SO-3"]})
    assert merged["merged_orders"] == ["SO-2", "SO-3"]


@pytest.fixture
def merged(db, desk, run):
    """Two orders of one buyer packed as one parcel (the first names the second)."""
    run(labelling.load_range, desk, {"carrier": "EMS", "first_number": s10.compose("EE", 60000000),
                                      "last_number": s10.compose("EE", 60000099)}, "W-1", T0)
    parcel, other = approved(province=REMOTE), approved(province=REMOTE)
    run(labelling.expect_shipment, parcel, T0)
    run(labelling.expect_shipment, other, T0)
    with db.unit_of_work() as uow:
        event = {**packed(parcel["order_no"], weight_g=1700), "merged_orders": [other["order_no"]]}
        labelling.parcel_packed(uow, desk, event)
        merged_parcels.packed_into(uow, event)
    return parcel["order_no"], other["order_no"]


def test_one_waybill_for_the_parcel_and_its_hand_over_ships_every_order(db, merged):
    parcel, other = merged
    with db.read() as session:
        assert session.get(Shipment, other).status == "merged" and session.get(Shipment, other).tracking_no is None
        [waybill] = session.query(Waybill).filter(Waybill.order_no.in_([parcel, other])).all()
        assert (waybill.order_no, session.get(Shipment, parcel).weight_g) == (parcel, 1700)
    status, answer = hand_over_at(db, waybill.tracking_no)
    assert (status, answer["merged_orders"]) == (200, [other])
    shipped = [(e["order_no"], e["tracking_no"]) for e in events(db, "order_shipped")]
    assert shipped == [(parcel, waybill.tracking_no), (other, waybill.tracking_no)]
    with db.read() as session:
        follower = session.get(Shipment, other)
        assert (follower.status, follower.tracking_no, follower.shipper) == ("shipped", waybill.tracking_no, "SH-3")
    status, again = hand_over_at(db, waybill.tracking_no)   # scanned twice: nothing shipped again
    assert status == 409 and len(events(db, "order_shipped")) == 2
    with db.read() as session:   # the courier's sheet: one parcel
        sheet = manifest.build(session, "EMS", HANDED_OVER_AT.date())
    assert [(p["order_no"], p["weight_g"]) for p in sheet["parcels"]] == [(parcel, 1700)]
    assert sheet["totals"]["parcels"] == 1 and sheet["exceptions"] == []


def test_the_carriers_scans_of_the_parcel_reach_every_order_in_it(db, desk, run, merged):
    parcel, other = merged
    with db.read() as session:
        tracking_no = session.get(Shipment, parcel).tracking_no
    assert hand_over_at(db, tracking_no)[0] == 200
    run(tracking.record, desk, scan(tracking_no, "in_transit", hours=10), NOW)
    assert [e["order_no"] for e in events(db, "tracking_updated") if e["status"] == "in_transit"] == [parcel, other]
    assert events(db, "parcel_delivered") == []
    run(tracking.record, desk, scan(tracking_no, "delivered"), NOW)
    run(tracking.record, desk, scan(tracking_no, "delivered"), NOW)   # pushed twice: told once
    delivered = [(e["order_no"], e["tracking_no"]) for e in events(db, "parcel_delivered")]
    assert delivered == [(parcel, tracking_no), (other, tracking_no)]
    with db.read() as session:
        assert [session.get(Shipment, no).status for no in (parcel, other)] == ["delivered", "delivered"]


def test_a_parcel_returned_to_sender_returns_every_order_in_it(db, desk, run, merged):
    parcel, other = merged
    with db.read() as session:
        tracking_no = session.get(Shipment, parcel).tracking_no
    assert hand_over_at(db, tracking_no)[0] == 200
    run(tracking.record, desk, scan(tracking_no, "returned_to_sender", reason="拒收"), NOW)
    returned = [(e["order_no"], e["cod_amount_not_collected"]) for e in events(db, "parcel_returned_to_sender")]
    assert [order_no for order_no, _ in returned] == [parcel, other]
    with db.read() as session:
        assert [session.get(Shipment, no).status for no in (parcel, other)] == ["returned", "returned"]


def test_the_running_service_labels_the_merged_parcel_once(start_service, rabbit_config):
    service = start_service("shipping_labels", WAYBILL_RANGE_LOW_THRESHOLD=1)
    uri = rabbit_config["AMQP_URI"]
    assert call(service, "POST", "/waybill-ranges", role="warehouse", body={
        "carrier": "EMS", "first_number": s10.compose("EE", 61000000), "last_number": s10.compose("EE", 61000009)},
        **{"Idempotency-Key": "merged-range"}).status_code == 201
    parcel, other = approved(province=REMOTE), approved(province=REMOTE)
    for order in (parcel, other):
        publish_event(uri, "order_review", "order_approved", order)
        shipment_when(service, order["order_no"], "awaiting_parcel")
    publish_event(uri, "picking_packing", "parcel_packed",
                  {**packed(parcel["order_no"], weight_g=1700), "merged_orders": [other["order_no"]]})
    labelled = shipment_when(service, parcel["order_no"], "labelled")
    shipment_when(service, other["order_no"], "merged")
    assert hand_over(service, labelled["tracking_no"]).status_code == 200
    shipped = shipment_when(service, other["order_no"], "shipped")
    assert shipped["tracking_no"] == labelled["tracking_no"]
