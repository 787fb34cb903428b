"""Labelling after weighing (business rules §1 打单, §4): numbers from loaded ranges, used once, waiting when out."""
from datetime import timedelta

import eventlet
import pytest
import sqlalchemy as sa

from services.shipping_labels import changes, labelling, s10
from services.shipping_labels.models import Shipment, Waybill
from services.shipping_labels.replies import shipment_by_order_no
from shared.errors import Conflict, NotFound, RuleViolation
from tests.shipping_labels.factories import T0, approved, events, order_no, packed


def load(run, desk, carrier="EMS", first="EE100000000CN", last=None, count=10):
    if last is None:
        prefix, serial = first[:2], int(first[2:10])
        first, last = s10.compose(prefix, serial), s10.compose(prefix, serial + count - 1)
    return run(labelling.load_range, desk, {"carrier": carrier, "first_number": first, "last_number": last},
               "W-1", T0)


def ship(run, desk, weight_g=1200, at=T0, **kwargs):
    order = approved(**kwargs)
    run(labelling.expect_shipment, order, T0)
    run(labelling.parcel_packed, desk, packed(order["order_no"], weight_g=weight_g, at=at))
    return order["order_no"]


def shipment(db, number):
    with db.read() as session:
        return session.get(Shipment, number)


def test_cod_parcel_is_labelled_by_ems_with_a_valid_s10_number(db, desk, run):
    load(run, desk, first="EE123456780CN", count=5)
    number = ship(run, desk, cod="118.00")
    issued = events(db, "waybill_issued")[-1]
    assert issued["order_no"] == number and issued["carrier"] == "EMS"
    assert issued["tracking_no"] == "EE123456785CN" and s10.is_valid(issued["tracking_no"])
    assert (issued["cod_amount"], issued["cost"], issued["weight_g"]) == ("118.00", "17.00", 1200)
    assert shipment(db, number).status == "labelled"


def test_a_second_approval_keeps_our_copy_and_every_step_is_on_the_record(db, desk, run):
    load(run, desk, first="EE123456780CN", count=5)
    order = approved(cod="118.00")
    run(labelling.expect_shipment, order, T0)
    moved = {**order["shipping_address"], "line1": "解放路 99 号"}
    run(labelling.expect_shipment, {**order, "reviewer": "R-2", "shipping_address": moved}, T0)
    run(labelling.parcel_packed, desk, packed(order["order_no"]))
    with db.read() as session:
        view = shipment_by_order_no(session, order["order_no"])
    assert shipment(db, order["order_no"]).recipient["line1"] == order["shipping_address"]["line1"]
    assert [(h["kind"], h["by"]) for h in view["history"]] == [
        ("approved_again", "R-2"), ("packed", "P-7"), ("routed", None), ("labelled", None)]
    assert view["history"][1]["detail"] == {"weight_g": 1200}
    assert view["history"][2]["detail"]["cost"] == "17.00"
    assert [(w["tracking_no"], w["status"]) for w in view["waybills"]] == [("EE123456785CN", "active")]
    assert (view["status"], view["cod_amount"], view["cost"]) == ("labelled", "118.00", "17.00")
    with db.read() as session, pytest.raises(NotFound):
        shipment_by_order_no(session, order_no())


def test_numbers_are_taken_once_and_never_reused_even_after_a_void(db, desk, run):
    load(run, desk, count=4)
    first = ship(run, desk, cod="50.00")
    old = shipment(db, first).tracking_no
    run(changes.void_label, desk, first, "label smudged", "SH-1", T0)
    second = ship(run, desk, cod="60.00")
    with db.read() as session:
        numbers = session.scalars(sa.select(Waybill.tracking_no).order_by(Waybill.id)).all()
        voided = session.scalar(sa.select(Waybill).where(Waybill.tracking_no == old))
    assert len(numbers) == len(set(numbers)) == 3
    assert voided.status == "voided" and voided.void_reason == "label smudged"
    assert shipment(db, first).tracking_no not in (old, shipment(db, second).tracking_no)
    assert events(db, "waybill_voided")[0] == {**events(db, "waybill_voided")[0], "tracking_no": old, "by": "SH-1"}


def test_an_exhausted_range_alerts_and_parcels_wait_until_a_range_is_added(db, desk, run):
    load(run, desk, first="EE200000000CN", count=1)
    one, two, three = (ship(run, desk, cod="10.00", at=T0 + timedelta(minutes=i)) for i in range(3))
    assert [shipment(db, n).status for n in (one, two, three)] == ["labelled", "awaiting_number", "awaiting_number"]
    # at loading (1 left, under the threshold of 2), then once at exhaustion, not once per waiting parcel
    assert [(e["carrier"], e["remaining"]) for e in events(db, "waybill_range_low")] == [("EMS", 1), ("EMS", 0)]
    block, labelled = load(run, desk, first="EE300000000CN", count=5)
    assert labelled == [two, three]   # first come, first served
    assert shipment(db, three).tracking_no == s10.compose("EE", 30000001)
    assert [e["order_no"] for e in events(db, "waybill_issued")] == [one, two, three]


def test_a_range_emptied_by_a_parallel_transaction_sends_the_next_label_to_the_next_range(db, desk, run):
    # On PostgreSQL the second take waits for the first one's lock, then finds the range used up.
    load(run, desk, first="EE100000000CN", count=1)
    load(run, desk, first="EE200000000CN", count=3)
    first, second = approved(cod="5.00"), approved(cod="6.00")
    for order in (first, second):
        run(labelling.expect_shipment, order, T0)
    taken = eventlet.Event()

    def label_first():
        with db.unit_of_work() as uow:
            labelling.parcel_packed(uow, desk, packed(first["order_no"]))
            taken.send()
            eventlet.sleep(0.3)   # still holding the range while the second parcel asks for a number

    def label_second():
        taken.wait()
        run(labelling.parcel_packed, desk, packed(second["order_no"]))

    pool = eventlet.GreenPool(2)
    for job in (label_first, label_second):
        pool.spawn(job)
    pool.waitall()
    assert shipment(db, first["order_no"]).tracking_no == s10.compose("EE", 10000000)
    assert shipment(db, second["order_no"]).tracking_no == s10.compose("EE", 20000000)


def test_a_range_running_low_raises_the_alert_before_labels_stop(db, desk, run):
    load(run, desk, count=4)   # threshold 2
    ship(run, desk, cod="1.00")
    assert events(db, "waybill_range_low") == []
    ship(run, desk, cod="1.00")
    assert [e["remaining"] for e in events(db, "waybill_range_low")] == [2]


def test_ranges_must_be_valid_and_may_not_overlap(desk, run):
    with pytest.raises(RuleViolation, match="check digit"):
        load(run, desk, first="EE100000001CN", last="EE100000099CN")
    load(run, desk, first="EE100000000CN", count=10)
    with pytest.raises(Conflict, match="overlaps"):
        load(run, desk, first="EE100000096CN", count=3)
    with pytest.raises(RuleViolation, match="ranges"):
        load(run, desk, carrier="NOPE", first="735000000001", last="735000000002")


def test_without_any_range_the_first_waiting_parcel_raises_the_alert(db, desk, run):
    waiting = [ship(run, desk, cod="3.00") for _ in range(2)]
    assert {shipment(db, n).status for n in waiting} == {"awaiting_number"}
    assert [e["remaining"] for e in events(db, "waybill_range_low")] == [0]


def test_a_parcel_no_carrier_can_take_is_kept_as_unroutable(db, desk, run):
    number = ship(run, desk, cod="99.00", weight_g=45000)
    assert shipment(db, number).status == "unroutable" and "45000 g" in shipment(db, number).problem


def test_ordinary_parcels_take_the_digits_carrier_range(db, desk, run):
    load(run, desk, carrier="ZTO", first="735000000001", last="735000000100")
    number = ship(run, desk, weight_g=800)
    assert shipment(db, number).tracking_no == "735000000001"
    assert shipment(db, number).cost == pytest.approx(8)


def test_reprints_are_counted_with_who_and_why(db, desk, run):
    load(run, desk)
    number = ship(run, desk, cod="5.00")
    run(changes.reprint, number, "printer jam", "SH-1", T0)
    run(changes.reprint, number, "label torn", "SH-2", T0 + timedelta(minutes=1))
    reprints = events(db, "label_reprinted")
    assert [(e["by"], e["reason"], e["count"]) for e in reprints] == [("SH-1", "printer jam", 1),
                                                                      ("SH-2", "label torn", 2)]
    assert shipment(db, number).reprint_count == 2


def test_a_second_weighing_voids_the_old_label_and_issues_a_new_one(db, desk, run):
    load(run, desk)
    number = ship(run, desk, cod="5.00")
    run(labelling.parcel_packed, desk, packed(number, weight_g=2600))
    assert events(db, "waybill_voided")[0]["reason"] == "repacked"
    latest = events(db, "waybill_issued")[-1]
    assert latest["weight_g"] == 2600 and latest["cost"] == "22.00"


def test_a_cancelled_order_loses_its_label_and_an_unknown_one_is_only_noted(db, desk, run):
    load(run, desk)
    number = ship(run, desk, cod="5.00")
    run(changes.cancel, desk, {"order_no": number, "case_id": 1, "reason": "refund", "by": "SUP-1"}, T0)
    assert shipment(db, number).status == "cancelled"
    assert events(db, "waybill_voided")[0]["reason"] == "order cancelled"
    run(changes.cancel, desk, {"order_no": order_no(), "case_id": 2, "reason": "refund", "by": "SUP-1"}, T0)
