"""Facts from events: the Shanghai business day of the moment the event names, nobody for 'auto'
or an empty staff field, unknown staff kept and flagged (issue 7, Facts from the bus)."""
import uuid
from datetime import date, datetime, timezone

import sqlalchemy as sa

from services.staff_performance import facts
from services.staff_performance.fact_sources import SOURCES
from services.staff_performance.models import Fact, Flag, StaffMember

SPEC = {spec.event_type: spec for spec in SOURCES}


def utc(*parts):
    return datetime(*parts, tzinfo=timezone.utc)


def record(db, event_type, **fields):
    event = {"event_id": str(uuid.uuid4()), "occurred_at": utc(2026, 3, 20), **fields}
    with db.unit_of_work() as uow:
        facts.record_event(uow, SPEC[event_type], event)
    return event


def rows(db, model, **where):
    with db.read() as session:
        return session.scalars(sa.select(model).filter_by(**where)).all()


def test_the_day_is_the_shanghai_day_of_the_events_own_moment(db, hire):
    picker = hire("picker-1", role="picker")
    record(db, "order_picked", picker=picker, order_no="SO-1", picked_at=utc(2026, 3, 16, 16, 30),
           lines=[{"sku": "SKU-1", "qty": 1, "picker": picker, "scanned_at": utc(2026, 3, 16, 16, 30)}])
    [fact] = rows(db, Fact, staff_id=picker)
    assert (fact.kind, fact.day) == ("line_picked", date(2026, 3, 17))   # 00:30 in Shanghai


def test_a_picked_order_is_one_line_picked_fact_per_line_for_whoever_picked_it(db, hire):
    """§6 lines picked per person: each line of the order counts for its own picker, on its own day."""
    first, second = hire("picker-2", role="picker"), hire("picker-3", role="picker")
    event = record(db, "order_picked", picker=second, order_no="SO-4", picked_at=utc(2026, 3, 16, 17),
                   lines=[{"sku": "SKU-1", "qty": 2, "picker": first, "scanned_at": utc(2026, 3, 16, 15, 59)},
                          {"sku": "SKU-2", "qty": 1, "picker": first, "scanned_at": utc(2026, 3, 16, 16, 1)},
                          {"sku": "SKU-3", "qty": 1, "picker": second, "scanned_at": utc(2026, 3, 16, 17)}])
    facts_of_order = sorted(rows(db, Fact, subject="SO-4"), key=lambda f: f.part)
    assert [(f.staff_id, f.kind, f.part, f.day) for f in facts_of_order] == [
        (first, "line_picked", "SKU-1", date(2026, 3, 16)), (first, "line_picked", "SKU-2", date(2026, 3, 17)),
        (second, "line_picked", "SKU-3", date(2026, 3, 17))]
    assert {(f.event_id, f.source) for f in facts_of_order} == {(event["event_id"], "picking_packing.order_picked")}


def test_an_event_without_its_own_moment_uses_occurred_at(db, hire):
    packer = hire("packer-1", role="packer")
    record(db, "parcel_weight_mismatch", packer=packer, order_no="SO-2", weighed_at=None)
    assert rows(db, Fact, staff_id=packer)[0].day == date(2026, 3, 20)


def test_automatic_decisions_are_not_unknown_staff_and_empty_staff_fields_prove_nothing(db):
    record(db, "order_approved", reviewer="auto", order_no="SO-3", approved_at=utc(2026, 3, 20, 2),
           seconds_to_decision=1.0)
    record(db, "case_opened", agent="", case_id=7)
    assert [f.kind for f in rows(db, Fact)] == ["order_reviewed", "order_approved"]
    assert rows(db, Flag) == [] and rows(db, StaffMember) == []


def test_unknown_staff_are_kept_registered_as_unknown_and_flagged_once(db):
    for _ in range(2):
        record(db, "refund_paid", paid_by="stranger", case_id=8, paid_at=utc(2026, 3, 20, 3))
    assert len(rows(db, Fact, staff_id="stranger")) == 2
    assert [m.registered for m in rows(db, StaffMember, staff_id="stranger")] == [False]
    assert [f.flag for f in rows(db, Flag, staff_id="stranger")] == ["unknown_staff"]
