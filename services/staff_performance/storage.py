"""Every statement the service runs and its row mapping, as functions taking a session (shared/README.md).

The rules and use cases call these; they never build a statement themselves."""
import weakref
from collections import defaultdict
from decimal import Decimal
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from services.staff_performance.models import (
    AttendanceDay, DailyReport, Fact, Fine, FinePayment, Flag, LeaveRequest, PolicyVersion, Punch, RotaEntry,
    StaffMember)
from shared.db.unit_of_work import insert_ignoring_duplicates

# Built once: every consumed event inserts facts, read in later transactions only (sent with the COMMIT).
_INSERT_FACTS = sa.insert(Fact.__table__).inline().execution_options(at_commit=True)

# Per database (engine): staff ids seen in the register. Nobody is ever removed from it, so once
# seen, a person needs no more look-ups; the few people on the floor name themselves in every event.
_IN_REGISTER = weakref.WeakKeyDictionary()


def _inserted(session, table, **values):
    """Insert a row unless its unique key is taken; True if it was inserted."""
    stmt = insert_ignoring_duplicates(session.get_bind().dialect.name, table).values(**values)
    return bool(session.execute(stmt).rowcount)


def _of_staff_between(model, staff_id, first, last):
    return sa.select(model).where(model.staff_id == staff_id, model.day >= first, model.day <= last)


def flushed_unless_taken(session):
    """Flush new rows; False if a unique key was taken meanwhile (of two concurrent writers one loses)."""
    try:
        session.flush()
    except IntegrityError:
        return False
    return True


# -- facts ---------------------------------------------------------------------
def add_facts(session, rows):
    session.connection().execute(_INSERT_FACTS, rows)


def first_reached(session, day, kinds):
    """(kind, first moment) for each subject that reached one of `kinds` on `day`."""
    first = sa.func.min(Fact.occurred_at)
    return session.execute(sa.select(Fact.kind, first).where(Fact.day == day, Fact.kind.in_(kinds))
                           .group_by(Fact.kind, Fact.subject)).all()


def facts_of(session, staff_id, first, last):
    return session.scalars(_of_staff_between(Fact, staff_id, first, last).order_by(Fact.day, Fact.id)).all()


def fact_counts(session, kind, staff_ids, first, last):
    query = sa.select(Fact.staff_id, sa.func.count(Fact.id)).where(
        Fact.kind == kind, Fact.day >= first, Fact.day <= last, Fact.staff_id.in_(staff_ids))
    return dict(session.execute(query.group_by(Fact.staff_id)).all())


# -- the staff register ------------------------------------------------------------
@lru_cache(maxsize=None)
def _add_unknown(dialect_name):
    return insert_ignoring_duplicates(dialect_name, StaffMember.__table__).values(
        name="", role="", rank="regular", team="", active=True, registered=False)


def save_staff(session, staff_id, values):
    if not _inserted(session, StaffMember.__table__, staff_id=staff_id, **values):
        session.execute(sa.update(StaffMember).where(StaffMember.staff_id == staff_id).values(**values))
    return session.get(StaffMember, staff_id, populate_existing=True)


def staff_seen(session):
    """The staff ids this database's register is known to hold (add to it what is seen committed)."""
    return _IN_REGISTER.setdefault(session.connection().engine, set())


def add_unknown_staff(session, staff_id):
    """Someone first seen in an event or a reading enters the register, unregistered; True if new."""
    connection = session.connection()
    return bool(connection.execute(_add_unknown(connection.dialect.name), {"staff_id": staff_id}).rowcount)


def staff_list(session, team=None, registered=None):
    query = sa.select(StaffMember).order_by(StaffMember.staff_id)
    if team:
        query = query.where(StaffMember.team == team)
    if registered is not None:
        query = query.where(StaffMember.registered == registered)
    return session.scalars(query).all()


def active_registered_staff(session):
    return session.scalars(sa.select(StaffMember).where(
        StaffMember.active.is_(True), StaffMember.registered.is_(True))).all()


def registered_team(session, team):
    return session.scalars(sa.select(StaffMember).where(StaffMember.team == team,
                                                        StaffMember.registered.is_(True))).all()


# -- flags -----------------------------------------------------------------------
def add_flag(session, **values):
    """Once per (person, flag, day, subject); True the first time."""
    return _inserted(session, Flag.__table__, **values)


def flags(session, staff_id=None):
    query = sa.select(Flag).order_by(Flag.raised_at, Flag.id)
    if staff_id:
        query = query.where(Flag.staff_id == staff_id)
    return session.scalars(query).all()


# -- the policy's versions -----------------------------------------------------------
def policy_versions(session):
    return session.scalars(sa.select(PolicyVersion).order_by(PolicyVersion.effective_from)).all()


def add_policy_version(session, **values):
    """True if no version took effect that day yet."""
    return _inserted(session, PolicyVersion.__table__, **values)


def policy_version_from(session, effective_from):
    return session.scalar(sa.select(PolicyVersion).where(PolicyVersion.effective_from == effective_from))


# -- fines -----------------------------------------------------------------------
def fines_in_period(session, staff_id, rule, period_key):
    return session.scalar(sa.select(sa.func.count(Fine.id)).where(
        Fine.staff_id == staff_id, Fine.rule == rule, Fine.period_key == period_key))


def fine_for_update(session, fine_id):
    return session.scalar(sa.select(Fine).where(Fine.id == fine_id).with_for_update())


def payments(session, fine_id):
    """[(day, amount)] paid on a fine."""
    return [tuple(p) for p in session.execute(sa.select(FinePayment.paid_on, FinePayment.amount)
                                              .where(FinePayment.fine_id == fine_id)).all()]


def noticed_fines_before(session, day):
    return session.scalars(sa.select(Fine).where(Fine.amount > 0, Fine.noticed_on.is_not(None),
                                                 Fine.day < day)).all()


def fines_owed(session, staff_id=None):
    """Every fine with an amount (a ladder's dismissal rung has none), of one person or everyone."""
    query = sa.select(Fine).where(Fine.amount > Decimal("0")).order_by(Fine.day, Fine.id)
    if staff_id:
        query = query.where(Fine.staff_id == staff_id)
    return session.scalars(query).all()


def fines_of(session, staff_id, first, last):
    return session.scalars(_of_staff_between(Fine, staff_id, first, last).order_by(Fine.day, Fine.id)).all()


# -- clock-in readings, leave, judged days --------------------------------------------
def add_punch(session, **values):
    """True if the reading is new (a device may resend one: the punch id makes it count once)."""
    return _inserted(session, Punch.__table__, **values)


def readings(session, staff_id, day):
    """(at, direction) of the person's readings that day."""
    return session.execute(sa.select(Punch.at, Punch.direction).where(Punch.staff_id == staff_id,
                                                                     Punch.day == day)).all()


def is_judged(session, staff_id, day):
    return session.scalar(sa.select(AttendanceDay.id).where(AttendanceDay.staff_id == staff_id,
                                                            AttendanceDay.day == day)) is not None


def add_judged_day(session, **values):
    """True if the day was not judged yet (a closed day is not judged twice)."""
    return _inserted(session, AttendanceDay.__table__, **values)


def statuses(session, staff_id, after, until):
    """{day: status} of the person's judged days after `after` up to `until`."""
    return dict(session.execute(sa.select(AttendanceDay.day, AttendanceDay.status).where(
        AttendanceDay.staff_id == staff_id, AttendanceDay.day <= until, AttendanceDay.day > after)).all())


def judged_days(session, first, last):
    return session.scalars(sa.select(AttendanceDay).where(AttendanceDay.day >= first, AttendanceDay.day <= last))


def attendance_of(session, staff_id, first, last):
    return session.scalars(_of_staff_between(AttendanceDay, staff_id, first, last)
                           .order_by(AttendanceDay.day, AttendanceDay.id)).all()


def note_proof(session, leave_id, day):
    """True if the leave awaited its proof (and now has it)."""
    return bool(session.execute(sa.update(LeaveRequest).where(
        LeaveRequest.id == leave_id, LeaveRequest.proof_required.is_(True),
        LeaveRequest.proof_received_on.is_(None)).values(proof_received_on=day)).rowcount)


def leave_request(session, leave_id):
    return session.get(LeaveRequest, leave_id, populate_existing=True)


def leave_requests(session, staff_id=None):
    query = sa.select(LeaveRequest).order_by(LeaveRequest.first_day, LeaveRequest.id)
    return session.scalars(query.where(LeaveRequest.staff_id == staff_id) if staff_id else query).all()


def on_leave_in_time(session, staff_id, day):
    """Leave asked for in time covers the day."""
    return session.scalar(sa.select(sa.func.count(LeaveRequest.id)).where(
        LeaveRequest.staff_id == staff_id, LeaveRequest.notice_ok.is_(True),
        LeaveRequest.first_day <= day, LeaveRequest.last_day >= day)) > 0


# -- the duty rota ---------------------------------------------------------------------
def put_on_rota(session, day, staff_id, values):
    """True if they were not on it yet (else their hours change)."""
    added = _inserted(session, RotaEntry.__table__, day=day, staff_id=staff_id, **values)
    if not added:
        session.execute(sa.update(RotaEntry).where(RotaEntry.day == day, RotaEntry.staff_id == staff_id)
                        .values(**values))
    return added


def take_off_rota(session, day, staff_id):
    """True if they were on it."""
    return bool(session.execute(sa.delete(RotaEntry).where(RotaEntry.day == day,
                                                           RotaEntry.staff_id == staff_id)).rowcount)


def rota_by_person(session, first, last):
    """{staff_id: {day: entry}} for the days first..last."""
    found = defaultdict(dict)
    for entry in session.scalars(sa.select(RotaEntry).where(RotaEntry.day >= first, RotaEntry.day <= last)):
        found[entry.staff_id][entry.day] = entry
    return found


def on_duty_by_day(session, first, last):
    """{day: [(entry, the person's name)]} for the days first..last."""
    found = defaultdict(list)
    query = (sa.select(RotaEntry, StaffMember.name).join(StaffMember, StaffMember.staff_id == RotaEntry.staff_id,
                                                         isouter=True)
             .where(RotaEntry.day >= first, RotaEntry.day <= last).order_by(RotaEntry.day, RotaEntry.staff_id))
    for entry, name in session.execute(query):
        found[entry.day].append((entry, name or ""))
    return found


# -- daily reports -------------------------------------------------------------------
def save_daily_report(session, staff_id, day, values):
    """Recording a day again replaces it."""
    upsert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    insert = upsert(DailyReport.__table__).values(staff_id=staff_id, day=day, **values)
    session.execute(insert.on_conflict_do_update(index_elements=["staff_id", "day"], set_=values))
    return session.query(DailyReport).filter_by(staff_id=staff_id, day=day).populate_existing().one()


def daily_reports_of(session, staff_id, first, last):
    return session.scalars(_of_staff_between(DailyReport, staff_id, first, last)
                           .order_by(DailyReport.day, DailyReport.id)).all()


def report_sums(session, field, first, last, team=None):
    """{staff_id: the sum of a daily report's `field`} over first..last (of one team's people)."""
    query = (sa.select(DailyReport.staff_id, sa.func.sum(getattr(DailyReport, field)))
             .where(DailyReport.day >= first, DailyReport.day <= last).group_by(DailyReport.staff_id))
    if team is not None:
        query = query.join(StaffMember, StaffMember.staff_id == DailyReport.staff_id).where(StaffMember.team == team)
    return {staff: int(total or 0) for staff, total in session.execute(query)}
