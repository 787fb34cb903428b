"""Issue #18 item 3: a void and the hand-over of the same label exclude each other. Live, a void sent 0.1 s
after the floor's hand-over scan was accepted and issued a new number, and the order never became shipped.

The hand-over scan is taken by shipping labels (POST /handovers), where labels are voided: both are decided in
its database. Each race fires both together (green threads, real HTTP, the real broker and database; the starts
staggered either way, so that both orders occur) and every run must end in exactly one of: handed over under
the original number (the void refused 409 already_handed_over), or voided with a new number (the hand-over of
the old number refused 409 waybill_voided, with the reason). No run ends with both accepted. (Before, the floor
took the scan against its copy of the labels: the void answered 200, then the parcel shipped all the same.)"""
import uuid

import eventlet
import pytest
import requests
import sqlalchemy as sa

from services.picking_packing.models import PickList
from services.shipping_labels import changes, labelling, s10
from services.shipping_labels.models import Shipment, Waybill
from shared.errors import Conflict
from shared.testing.polling import wait_for
from tests.shipping_labels.factories import T0, approved, events, hand_over_at, packed
from tests.shipping_labels.test_rerouting import JIANGSU, XINJIANG, correction
from tests.shipping_labels.test_service import call, hand_over, publish, published, shipment_when  # noqa: F401

RUNS = 12
# How much later the void starts than the hand-over in each run (negative: earlier): the void well first, both
# at once, the hand-over well first.
OFFSETS = [0.03 * k - 0.18 for k in range(RUNS)]
# Many runs with both in flight together: which commits first is up to the service and the database.
TIGHT_RUNS = 30
TIGHT_OFFSETS = [0.004 * (k % 11 - 5) for k in range(TIGHT_RUNS)]


def together(hand_it_over, void_it, offset):
    """Both at once (green threads), the void `offset` seconds after the hand-over (before it if negative)."""
    def late(call, delay):
        return lambda: (eventlet.sleep(delay), call())[1]
    pool = eventlet.GreenPool(2)
    return list(pool.imap(lambda function: function(), [late(hand_it_over, max(0, -offset)),
                                                        late(void_it, max(0, offset))]))


def void(service, number):
    return lambda: call(service, "POST", f"/shipments/{number}/void", body={"reason": "label smudged"},
                        **{"Idempotency-Key": str(uuid.uuid4())})


def outcome(service, number, original, scan, void_answer):
    """'handed_over' or 'voided', once asserted to be one consistent outcome; nothing else is."""
    view = call(service, "GET", f"/shipments/{number}", role="agent").json()
    kinds = [h["kind"] for h in view["history"]]
    live = [w["tracking_no"] for w in view["waybills"] if w["status"] == "active"]
    if scan.status_code == 200:   # the hand-over was first: the void must have been refused
        assert (void_answer.status_code, void_answer.json()["error"]) == (409, "already_handed_over"), \
            f"both accepted: {void_answer.text}"
        assert (view["status"], view["tracking_no"], live) == ("shipped", original, [original])
        assert kinds.count("handed_over") == 1 and "voided" not in kinds
        return "handed_over"
    assert void_answer.status_code == 200, f"both refused: {scan.text} / {void_answer.text}"
    new = void_answer.json()["tracking_no"]
    refused = scan.json()
    assert (scan.status_code, refused["error"], refused["live_tracking_no"]) == (409, "waybill_voided", new)
    assert "label smudged" in refused["message"]
    assert (view["status"], view["tracking_no"], live) == ("labelled", new, [new]) and new != original
    assert "handed_over" not in kinds
    return "voided"


def race(service, labelled, offsets, record_property):
    """Each run: a fresh labelled parcel, its hand-over and a void fired together. -> the outcomes."""
    outcomes, shipped = [], []
    for offset in offsets:
        number, original = labelled()
        scan, void_answer = together(lambda: hand_over(service, original), void(service, number), offset)
        outcomes.append(outcome(service, number, original, scan, void_answer))
        if outcomes[-1] == "handed_over":
            shipped.append(number)
    record_property("outcomes", outcomes)
    wait_for(lambda: len(published(service, "order_shipped")) >= len(shipped))
    assert sorted(e["order_no"] for e in published(service, "order_shipped")) == sorted(shipped)
    return outcomes


# -- in shipping: both over HTTP, the label taken from the bus --------------------------------------------------

@pytest.fixture
def labels(start_service):
    service = start_service("shipping_labels", WAYBILL_RANGE_LOW_THRESHOLD=1)
    for carrier, first, last in (("ZTO", "735000000001", "735000000999"),
                                 ("EMS", s10.compose("EE", 70000000), s10.compose("EE", 70000999))):
        assert call(service, "POST", "/waybill-ranges", role="warehouse", body={
            "carrier": carrier, "first_number": first, "last_number": last}).status_code == 201
    return service


def test_a_void_racing_the_hand_over_scan_ends_in_one_outcome_either_way(labels, publish, record_property):
    def labelled():
        order = approved(cod="20.00")
        publish("order_review", "order_approved", order)
        publish("picking_packing", "parcel_packed", packed(order["order_no"]))
        return order["order_no"], shipment_when(labels, order["order_no"], "labelled")["tracking_no"]
    outcomes = race(labels, labelled, OFFSETS + TIGHT_OFFSETS, record_property)
    assert set(outcomes[:3]) == {"voided"} and set(outcomes[RUNS - 3:RUNS]) == {"handed_over"}   # both orders


# -- the whole race: the floor (picking_packing) packs, shipping labels hands over, both real -------------------

class Floor:
    def __init__(self, service):
        self.service = service

    def http(self, method, path, role, body=None):
        return requests.request(method, self.service.url(path), json=body, timeout=30,
                                headers=self.service.headers(role, f"{role.upper()}-1"))

    def scan(self, role, **fields):
        return self.http("POST", "/scans", role, {"scan_id": str(uuid.uuid4()), "station_id": "ST-1", **fields})

    def pick_list(self, number):
        with self.service.db.read() as session:
            return session.get(PickList, number)


@pytest.fixture
def floor(start_service):
    return Floor(start_service("picking_packing"))


def packed_and_labelled(floor, labels, publish, address=JIANGSU):
    """An order through the real floor: approved, picked, packed and weighed, labelled. -> (order_no, tracking_no)."""
    order = {**approved(), "shipping_address": address}
    number, line = order["order_no"], order["lines"][0]
    assert floor.http("POST", "/stock/receipts", "warehouse",
                      {"lines": [{"sku": line["sku"], "qty": line["qty"]}]}).status_code == 201
    publish("order_review", "order_approved", order)
    sheet = wait_for(lambda: (lambda p: p if p and p.status == "ready" else None)(floor.pick_list(number)))
    assert floor.scan("picker", type="pick", order_no=number, barcode=line["sku"], qty=line["qty"]).status_code == 200
    answer = floor.scan("packer", type="pack", order_no=number, weight_g=sheet.expected_weight_g)
    assert answer.status_code == 200 and answer.json()["status"] == "packed", answer.text
    return number, shipment_when(labels, number, "labelled")["tracking_no"]


def test_the_floor_follows_whichever_of_the_void_and_the_hand_over_came_first(floor, labels, publish,
                                                                             record_property):
    runs = []

    def labelled():
        runs.append(packed_and_labelled(floor, labels, publish))
        return runs[-1]
    outcomes = race(labels, labelled, OFFSETS, record_property)
    assert set(outcomes[:3]) == {"voided"} and set(outcomes[-3:]) == {"handed_over"}
    for (number, original), result in zip(runs, outcomes):
        if result == "handed_over":   # the floor hears order_shipped: handed over, its goods gone
            wait_for(lambda: floor.pick_list(number).status == "handed_over", message=f"{number} not handed over")
            assert (floor.pick_list(number).tracking_no, floor.pick_list(number).shipper) == (original, "SH-3")
        else:
            assert floor.pick_list(number).status == "packed"


def test_a_re_routed_parcel_ships_under_its_new_number_only(floor, labels, publish):
    number, original = packed_and_labelled(floor, labels, publish)
    publish("order_review", "order_corrected", correction(number, JIANGSU, XINJIANG))
    rerouted = wait_for(lambda: (lambda v: v if v["carrier"] == "EMS" and v["tracking_no"] else None)(
        call(labels, "GET", f"/shipments/{number}", role="agent").json()))
    refused = hand_over(labels, original)
    assert refused.status_code == 409 and "address corrected" in refused.json()["message"]
    assert refused.json()["live_tracking_no"] == rerouted["tracking_no"]
    assert hand_over(labels, rerouted["tracking_no"]).status_code == 200
    shipped = shipment_when(labels, number, "shipped")
    assert (shipped["carrier"], shipped["tracking_no"]) == ("EMS", rerouted["tracking_no"])
    wait_for(lambda: floor.pick_list(number).status == "handed_over")
    assert floor.pick_list(number).tracking_no == rerouted["tracking_no"]


# -- the rule, case by case (use cases on the real database) --------------------------------------------------

@pytest.fixture
def labelled(db, desk, run):
    for carrier, first, last in (("ZTO", "735000000001", "735000000099"),
                                 ("EMS", s10.compose("EE", 1), s10.compose("EE", 99))):
        run(labelling.load_range, desk, {"carrier": carrier, "first_number": first, "last_number": last},
            "W-1", T0)

    def label(address=JIANGSU):
        order = {**approved(), "shipping_address": address}
        run(labelling.expect_shipment, order, T0)
        run(labelling.parcel_packed, desk, packed(order["order_no"], weight_g=1200))
        return order["order_no"], shipment(db, order["order_no"]).tracking_no
    return label


def shipment(db, number):
    with db.read() as session:
        return session.get(Shipment, number)


def waybills(db, number):
    with db.read() as session:
        return {w.tracking_no: (w.status, w.void_reason) for w in session.scalars(
            sa.select(Waybill).where(Waybill.order_no == number))}


def test_a_void_after_the_hand_over_is_refused(db, desk, run, labelled):
    number, original = labelled()
    assert hand_over_at(db, original)[0] == 200
    with pytest.raises(Conflict) as refused:
        run(changes.void_label, desk, number, "label smudged", "SH-1", T0)
    assert refused.value.code == "already_handed_over"
    assert waybills(db, number) == {original: ("active", None)}


def test_a_voided_number_is_refused_at_the_dock_with_the_reason_and_the_new_one_ships(db, desk, run,
                                                                                     labelled):
    number, original = labelled()
    run(changes.void_label, desk, number, "label smudged", "SH-1", T0)
    new = shipment(db, number).tracking_no
    status, refused = hand_over_at(db, original)
    assert (status, refused["error"], refused["status"], refused["live_tracking_no"]) == (
        409, "waybill_voided", "labelled", new)
    assert "label smudged" in refused["message"] and "SH-1" in refused["message"]
    assert (shipment(db, number).status, waybills(db, number)) == (
        "labelled", {original: ("voided", "label smudged"), new: ("active", None)})
    assert events(db, "order_shipped") == []
    assert hand_over_at(db, new)[0] == 200
    assert [e["tracking_no"] for e in events(db, "order_shipped")] == [new]


def test_a_re_routed_parcels_old_label_is_refused_and_names_the_new_one(db, desk, run, labelled):
    number, original = labelled()
    run(changes.correct_address, desk, correction(number, JIANGSU, XINJIANG), T0)
    rerouted = shipment(db, number)
    status, refused = hand_over_at(db, original)
    assert (status, refused["error"]) == (409, "waybill_voided") and "address corrected" in refused["message"]
    assert rerouted.carrier == "EMS" and rerouted.tracking_no in refused["next"]


def test_a_cancelled_orders_label_is_refused_and_the_parcel_kept(db, desk, run, labelled):
    number, original = labelled()
    run(changes.cancel, desk, {"order_no": number, "by": "A-1", "reason": "buyer asked"}, T0)
    status, refused = hand_over_at(db, original)
    assert (status, refused["error"], refused["status"], refused["live_tracking_no"]) == (
        409, "waybill_voided", "cancelled", None)
    assert "order cancelled" in refused["message"] and refused["next"] == "keep the parcel: the order is cancelled"
    assert shipment(db, number).status == "cancelled" and events(db, "order_shipped") == []
