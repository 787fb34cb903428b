"""Issue #18 item 3: a void and the hand-over of the same label exclude each other. Live, a void sent 0.1 s
after the floor's hand-over scan was accepted and issued a new number, and the order never became shipped.

Each race fires both together (green threads, real HTTP, the real broker and database; the starts staggered by
up to 0.18 s either way, so that every interleaving occurs) and every run must end in one consistent outcome: handed over under the original number (the void refused: 409, or, when it reached us
before the floor's scan did, overruled with the reason), or voided with a new number (the floor refused the old
number's hand-over with the reason)."""
import uuid

import eventlet
import pytest
import requests
import sqlalchemy as sa

from services.picking_packing.models import PickList, Waybill as FloorWaybill
from services.shipping_labels import changes, handover, labelling, s10
from services.shipping_labels.models import Shipment, Waybill
from shared.errors import Conflict
from shared.testing.polling import wait_for
from tests.shipping_labels.factories import T0, approved, events, handed_over, packed
from tests.shipping_labels.test_rerouting import JIANGSU, XINJIANG, correction
from tests.shipping_labels.test_service import call, publish, published, shipment_when  # noqa: F401

RUNS = 12
# How much later the void starts than the hand-over in each run (negative: earlier). A spread of interleavings:
# the hand-over reaches shipping, the void reaches the floor, or neither has yet when the other arrives.
OFFSETS = [0.03 * k - 0.18 for k in range(RUNS)]


def together(hand_over, void_it, offset):
    """Both at once (green threads), the void `offset` seconds after the hand-over (before it if negative)."""
    def late(call, delay):
        return lambda: (eventlet.sleep(delay), call())[1]
    pool = eventlet.GreenPool(2)
    return list(pool.imap(lambda function: function(), [late(hand_over, max(0, -offset)),
                                                        late(void_it, max(0, offset))]))


def void(service, number):
    return lambda: call(service, "POST", f"/shipments/{number}/void", body={"reason": "label smudged"},
                        **{"Idempotency-Key": str(uuid.uuid4())})


def outcome_in_shipping(service, number, original, void_answer):
    """The shipment once it has settled; asserts it is one of the consistent outcomes."""
    if void_answer.status_code == 409:   # the hand-over was here first
        assert void_answer.json()["error"] == "already_handed_over", void_answer.text
    else:
        assert void_answer.status_code == 200, void_answer.text
    view = shipment_when(service, number, "shipped")
    assert view["tracking_no"] == original
    live = [w["tracking_no"] for w in view["waybills"] if w["status"] == "active"]
    assert live == [original]
    kinds = [h["kind"] for h in view["history"]]
    assert kinds.count("handed_over") == 1
    if void_answer.status_code == 200:   # the void came first here, but too late for the parcel
        assert "void_overruled" in kinds and "label smudged" in view["change_refused"]
        superseded = [w for w in view["waybills"] if w["tracking_no"] == void_answer.json()["tracking_no"]]
        assert superseded[0]["status"] == "voided" and "superseded" in superseded[0]["void_reason"]
    else:
        assert "void_overruled" not in kinds and view["change_refused"] is None
    return view


# -- in shipping: the void over HTTP, the hand-over as the floor's event -------------------------------------

def test_a_void_racing_the_hand_over_event_never_leaves_the_parcel_unshipped(start_service, publish,
                                                                             record_property):
    service = start_service("shipping_labels", WAYBILL_RANGE_LOW_THRESHOLD=1)
    assert call(service, "POST", "/waybill-ranges", role="warehouse", body={
        "carrier": "EMS", "first_number": s10.compose("EE", 60000000),
        "last_number": s10.compose("EE", 60000000 + 3 * RUNS)}).status_code == 201
    seen, numbers = [], []
    for offset in OFFSETS:
        order = approved(cod="20.00")
        number = order["order_no"]
        publish("order_review", "order_approved", order)
        publish("picking_packing", "parcel_packed", packed(number))
        original = shipment_when(service, number, "labelled")["tracking_no"]
        _, void_answer = together(lambda: publish("picking_packing", "parcel_handed_over",
                                                  handed_over(number, original)), void(service, number), offset)
        outcome_in_shipping(service, number, original, void_answer)
        seen.append(void_answer.status_code)
        numbers.append(number)
    record_property("void answers", seen)
    wait_for(lambda: len(published(service, "order_shipped")) == RUNS)
    assert sorted(e["order_no"] for e in published(service, "order_shipped")) == sorted(numbers)


# -- the whole race: the floor's scanner (picking_packing) and the shipping desk, both real ------------------

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

    def copy_of(self, tracking_no):
        with self.service.db.read() as session:
            return session.get(FloorWaybill, tracking_no)


@pytest.fixture
def floor_and_desk(start_service):
    floor = Floor(start_service("picking_packing"))
    desk = start_service("shipping_labels", WAYBILL_RANGE_LOW_THRESHOLD=1)
    for carrier, first, last in (("ZTO", "735000000001", "735000000999"),
                                 ("EMS", s10.compose("EE", 70000000), s10.compose("EE", 70000999))):
        assert call(desk, "POST", "/waybill-ranges", role="warehouse", body={
            "carrier": carrier, "first_number": first, "last_number": last}).status_code == 201
    return floor, desk


def packed_and_labelled(floor, desk, publish, address=JIANGSU):
    """An order through the real floor: approved, picked, packed and weighed, labelled, the label known on
    the floor. -> (order_no, tracking_no)."""
    order = {**approved(), "shipping_address": address}
    number, line = order["order_no"], order["lines"][0]
    assert floor.http("POST", "/stock/receipts", "warehouse",
                      {"lines": [{"sku": line["sku"], "qty": line["qty"]}]}).status_code == 201
    publish("order_review", "order_approved", order)
    sheet = wait_for(lambda: (lambda p: p if p and p.status == "ready" else None)(floor.pick_list(number)))
    assert floor.scan("picker", type="pick", order_no=number, barcode=line["sku"], qty=line["qty"]).status_code == 200
    answer = floor.scan("packer", type="pack", order_no=number, weight_g=sheet.expected_weight_g)
    assert answer.status_code == 200 and answer.json()["status"] == "packed", answer.text
    tracking_no = shipment_when(desk, number, "labelled")["tracking_no"]
    wait_for(lambda: floor.copy_of(tracking_no), message="the floor never heard of the label")
    return number, tracking_no


def settle(floor, desk, number, original, scan, void_answer):
    if scan.status_code == 200:   # the parcel left under the original number: the void must lose
        outcome_in_shipping(desk, number, original, void_answer)
        assert (floor.pick_list(number).status, floor.pick_list(number).tracking_no) == ("handed_over", original)
        return "handed_over"
    # The floor had heard of the void: the old label is refused with the reason, the new one is live.
    assert scan.status_code == 409 and scan.json()["error"] == "waybill_voided", scan.text
    assert "label smudged" in scan.json()["message"]
    assert void_answer.status_code == 200
    view = call(desk, "GET", f"/shipments/{number}", role="agent").json()
    assert view["status"] == "labelled" and view["tracking_no"] == void_answer.json()["tracking_no"] != original
    assert floor.pick_list(number).status == "packed"
    return "voided"


def test_the_floors_hand_over_scan_and_a_void_at_the_desk_end_in_one_outcome(floor_and_desk, publish,
                                                                             record_property):
    floor, desk = floor_and_desk
    outcomes = []
    for offset in OFFSETS:
        number, original = packed_and_labelled(floor, desk, publish)
        scan, void_answer = together(lambda: floor.scan("shipper", type="handover", tracking_no=original),
                                     void(desk, number), offset)
        outcomes.append((settle(floor, desk, number, original, scan, void_answer), void_answer.status_code))
    record_property("outcomes", outcomes)


def test_a_void_the_floor_has_heard_of_refuses_the_old_label_and_the_new_one_ships(floor_and_desk, publish):
    floor, desk = floor_and_desk
    number, original = packed_and_labelled(floor, desk, publish)
    void_answer = void(desk, number)()
    wait_for(lambda: floor.copy_of(original).status == "voided")
    scan = floor.scan("shipper", type="handover", tracking_no=original)
    assert settle(floor, desk, number, original, scan, void_answer) == "voided"
    new = void_answer.json()["tracking_no"]
    wait_for(lambda: floor.copy_of(new))
    assert floor.scan("shipper", type="handover", tracking_no=new).status_code == 200
    assert shipment_when(desk, number, "shipped")["tracking_no"] == new


def test_the_packing_station_ships_a_re_routed_parcel_under_its_new_number(floor_and_desk, publish):
    floor, desk = floor_and_desk
    number, original = packed_and_labelled(floor, desk, publish)
    publish("order_review", "order_corrected", correction(number, JIANGSU, XINJIANG))
    rerouted = wait_for(lambda: (lambda v: v if v["carrier"] == "EMS" and v["tracking_no"] else None)(
        call(desk, "GET", f"/shipments/{number}", role="agent").json()))
    wait_for(lambda: floor.copy_of(original).status == "voided" and floor.copy_of(rerouted["tracking_no"]))
    refused = floor.scan("shipper", type="handover", tracking_no=original)
    assert refused.status_code == 409 and "address corrected" in refused.json()["message"]
    assert floor.scan("shipper", type="handover", tracking_no=rerouted["tracking_no"]).status_code == 200
    shipped = shipment_when(desk, number, "shipped")
    assert (shipped["carrier"], shipped["tracking_no"]) == ("EMS", rerouted["tracking_no"])


# -- the rule, case by case (use cases on the real database) --------------------------------------------------

@pytest.fixture
def labelled(db, desk, run):
    for carrier, first, last in (("ZTO", "735000000001", "735000000099"),
                                 ("EMS", s10.compose("EE", 1), s10.compose("EE", 99))):
        run(labelling.load_range, desk, {"carrier": carrier, "first_number": first, "last_number": last}, "W-1", T0)

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
    run(handover.hand_over, desk, handed_over(number, original))
    with pytest.raises(Conflict) as refused:
        run(changes.void_label, desk, number, "label smudged", "SH-1", T0)
    assert refused.value.code == "already_handed_over"
    assert waybills(db, number) == {original: ("active", None)}


def test_the_floors_hand_over_of_a_label_voided_meanwhile_ships_it_and_the_void_is_refused(db, desk, run,
                                                                                          labelled):
    number, original = labelled()
    run(changes.void_label, desk, number, "label smudged", "SH-1", T0)
    new = shipment(db, number).tracking_no
    run(handover.hand_over, desk, handed_over(number, original))
    shipped = shipment(db, number)
    assert (shipped.status, shipped.tracking_no, shipped.carrier) == ("shipped", original, "ZTO")
    assert "label smudged" in shipped.change_refused and original in shipped.change_refused
    assert waybills(db, number)[original] == ("active", None)
    assert waybills(db, number)[new][0] == "voided" and "superseded" in waybills(db, number)[new][1]
    assert [e["tracking_no"] for e in events(db, "order_shipped")] == [original]
    assert [e["tracking_no"] for e in events(db, "waybill_voided")] == [original, new]
    run(handover.hand_over, desk, handed_over(number, original))   # the same scan again: nothing more
    assert len(events(db, "order_shipped")) == 1


def test_a_re_route_overruled_by_the_hand_over_keeps_what_the_label_said(db, desk, run, labelled):
    number, original = labelled()
    run(changes.correct_address, desk, correction(number, JIANGSU, XINJIANG), T0)
    assert shipment(db, number).carrier == "EMS"
    run(handover.hand_over, desk, handed_over(number, original))
    shipped = shipment(db, number)
    assert (shipped.carrier, shipped.zone, str(shipped.cost)) == ("ZTO", "same_province", "7.00")
    assert shipped.recipient["province"] == "江苏省" and "address corrected" in shipped.change_refused


def test_a_cancellation_the_parcel_outran_ships_it_all_the_same(db, desk, run, labelled):
    number, original = labelled()
    run(changes.cancel, desk, {"order_no": number, "by": "A-1", "reason": "buyer asked"}, T0)
    assert shipment(db, number).status == "cancelled"
    run(handover.hand_over, desk, handed_over(number, original))
    assert (shipment(db, number).status, shipment(db, number).tracking_no) == ("shipped", original)
    assert [e["tracking_no"] for e in events(db, "order_shipped")] == [original]
