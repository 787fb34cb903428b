"""Issue #18 item 2: an address corrected after the label re-routes the parcel (carrier and price chosen again
by the tariff, the old number voided, a new label issued); after the hand-over the correction changes nothing
and is refused visibly. Real broker, real database (business rules §4)."""
import json
import uuid
from decimal import Decimal

import pytest

from services.shipping_labels import changes, labelling, s10
from services.shipping_labels.models import Shipment
from services.shipping_labels.tariff import DEFAULT_TARIFF_PATH, Tariff
from shared.testing.polling import wait_for
from tests.shipping_labels.factories import T0, approved, events, packed
from tests.shipping_labels.test_service import (  # noqa: F401
    call, hand_over, pdf_text, publish, published, shipment_when)

JIANGSU = {"recipient": "李雷", "phone": "13812345678", "province": "江苏省", "city": "南京市", "district": "鼓楼区",
           "line1": "中山北路 8 号", "postcode": "210008"}
XINJIANG = {**JIANGSU, "province": "新疆维吾尔自治区", "city": "乌鲁木齐市", "district": "天山区",
            "line1": "解放南路 1 号", "postcode": "830002"}
WEIGHT_G = 1200


def correction(order_no, before, after, reviewer="R-2"):
    return {"order_no": order_no, "reviewer": reviewer, "corrected_at": T0, "shipping_address": after,
            "changes": [{"field": field, "before": before[field], "after": after[field]}
                        for field in after if after[field] != before[field]]}


def load_ranges(service):
    for carrier, first, last in (("ZTO", "735000000001", "735000000100"),
                                 ("EMS", s10.compose("EE", 30000000), s10.compose("EE", 30000099))):
        answer = call(service, "POST", "/waybill-ranges", role="warehouse", body={
            "carrier": carrier, "first_number": first, "last_number": last}, **{"Idempotency-Key": str(uuid.uuid4())})
        assert answer.status_code == 201, answer.text


def labelled_in_jiangsu(service, publish):
    order = {**approved(), "shipping_address": JIANGSU}
    publish("order_review", "order_approved", order)
    publish("picking_packing", "parcel_packed", packed(order["order_no"], weight_g=WEIGHT_G))
    return order["order_no"], shipment_when(service, order["order_no"], "labelled")


@pytest.fixture
def service(start_service):
    service = start_service("shipping_labels", WAYBILL_RANGE_LOW_THRESHOLD=1)
    load_ranges(service)
    return service


def test_a_correction_to_a_remote_province_re_routes_a_zto_parcel_and_voids_its_number(service, publish):
    number, before = labelled_in_jiangsu(service, publish)
    tariff = Tariff.load()
    assert (before["carrier"], before["zone"], before["cost"]) == ("ZTO", "same_province", "7.00")

    publish("order_review", "order_corrected", correction(number, JIANGSU, XINJIANG))
    after = wait_for(lambda: (lambda view: view if view["carrier"] != "ZTO" else None)(
        call(service, "GET", f"/shipments/{number}", role="agent").json()), message="never re-routed")
    assert tariff.carriers[after["carrier"]]["reaches_remote"] is True
    assert (after["status"], after["zone"]) == ("labelled", "remote")
    assert Decimal(after["cost"]) == tariff.price(after["carrier"], "remote", WEIGHT_G) == Decimal("48.00")
    assert after["tracking_no"] != before["tracking_no"] and after["change_refused"] is None
    assert [(w["tracking_no"], w["status"], w["void_reason"]) for w in after["waybills"]] == [
        (before["tracking_no"], "voided", "address corrected"), (after["tracking_no"], "active", None)]
    assert "乌鲁木齐" in pdf_text(call(service, "GET", f"/shipments/{number}/label.pdf"))

    # The floor hears of both, as for any void and relabel: the old number is refused at hand-over from now on.
    wait_for(lambda: len(published(service, "waybill_issued")) == 2)
    assert [(e["tracking_no"], e["reason"], e["by"]) for e in published(service, "waybill_voided")] == [
        (before["tracking_no"], "address corrected", "R-2")]
    assert [(e["carrier"], e["cost"]) for e in published(service, "waybill_issued")] == [
        ("ZTO", "7.00"), (after["carrier"], "48.00")]


def test_a_correction_after_the_hand_over_changes_nothing_and_is_refused_visibly(service, publish):
    number, before = labelled_in_jiangsu(service, publish)
    assert hand_over(service, before["tracking_no"]).status_code == 200
    shipment_when(service, number, "shipped")

    publish("order_review", "order_corrected", correction(number, JIANGSU, XINJIANG))
    after = wait_for(lambda: (lambda view: view if view["change_refused"] else None)(
        call(service, "GET", f"/shipments/{number}", role="agent").json()), message="correction not refused")
    assert "refused" in after["change_refused"] and before["tracking_no"] in after["change_refused"]
    assert (after["status"], after["carrier"], after["cost"], after["tracking_no"]) == (
        "shipped", "ZTO", "7.00", before["tracking_no"])
    assert [w["status"] for w in after["waybills"]] == ["active"]
    refused = [h for h in after["history"] if h["kind"] == "correction_refused"]
    assert refused and refused[0]["by"] == "R-2" and refused[0]["detail"]["changes"][0]["after"] == "新疆维吾尔自治区"
    label = pdf_text(call(service, "GET", f"/shipments/{number}/label.pdf"))
    assert "南京" in label and "乌鲁木齐" not in label
    assert published(service, "waybill_voided") == []


def test_a_correction_no_carrier_can_take_holds_the_parcel_with_the_reason(start_service, publish):
    data = json.loads(DEFAULT_TARIFF_PATH.read_text(encoding="utf-8"))
    data["carriers"]["EMS"]["reaches_remote"] = False   # then nobody reaches 新疆
    service = start_service("shipping_labels", TARIFF=data)
    load_ranges(service)
    number, before = labelled_in_jiangsu(service, publish)
    publish("order_review", "order_corrected", correction(number, JIANGSU, XINJIANG))
    held = shipment_when(service, number, "unroutable")
    assert "新疆" in held["problem"] and "remote" in held["problem"] and held["tracking_no"] is None
    assert [(w["tracking_no"], w["status"]) for w in held["waybills"]] == [(before["tracking_no"], "voided")]
    assert call(service, "GET", f"/shipments/{number}/label.pdf").status_code == 409


# -- the rule, on both sides of its boundaries (use cases on the real database) --------------------------

def test_a_new_name_or_phone_keeps_the_number_and_a_new_destination_re_routes(db, desk, run):
    run(labelling.load_range, desk, {"carrier": "ZTO", "first_number": "735000000001",
                                     "last_number": "735000000010"}, "W-1", T0)
    number = _packed_in_jiangsu(desk, run)
    first = _shipment(db, number).tracking_no

    phoned = {**JIANGSU, "phone": "13900000000"}
    run(changes.correct_address, desk, correction(number, JIANGSU, phoned), T0)
    assert (_shipment(db, number).tracking_no, _shipment(db, number).carrier) == (first, "ZTO")

    moved = {**phoned, "district": "玄武区"}   # the same province: same carrier and price, but a new label
    run(changes.correct_address, desk, correction(number, phoned, moved), T0)
    second = _shipment(db, number)
    assert (second.carrier, second.cost) == ("ZTO", Decimal("7.00")) and second.tracking_no not in (None, first)
    assert [e["tracking_no"] for e in events(db, "waybill_voided")] == [first]


def test_a_parcel_waiting_for_numbers_is_re_routed_too(db, desk, run):
    number = _packed_in_jiangsu(desk, run)   # no ZTO numbers loaded: it waits
    assert (_shipment(db, number).status, _shipment(db, number).carrier) == ("awaiting_number", "ZTO")
    run(changes.correct_address, desk, correction(number, JIANGSU, XINJIANG), T0)
    rerouted = _shipment(db, number)
    assert (rerouted.status, rerouted.carrier, rerouted.cost) == ("labelled", "EMS", Decimal("48.00"))
    assert events(db, "waybill_voided") == []   # it had no number to void


def test_before_packing_the_correction_only_updates_the_copy(db, desk, run):
    order = {**approved(), "shipping_address": JIANGSU}
    run(labelling.expect_shipment, order, T0)
    run(changes.correct_address, desk, correction(order["order_no"], JIANGSU, XINJIANG), T0)
    waiting = _shipment(db, order["order_no"])
    assert (waiting.status, waiting.carrier, waiting.recipient["province"]) == ("awaiting_parcel", None, "新疆维吾尔自治区")


def _packed_in_jiangsu(desk, run):
    run(labelling.load_range, desk, {"carrier": "EMS", "first_number": s10.compose("EE", 1),
                                     "last_number": s10.compose("EE", 10)}, "W-1", T0)
    order = {**approved(), "shipping_address": JIANGSU}
    run(labelling.expect_shipment, order, T0)
    run(labelling.parcel_packed, desk, packed(order["order_no"], weight_g=WEIGHT_G))
    return order["order_no"]


def _shipment(db, number):
    with db.read() as session:
        return session.get(Shipment, number)
