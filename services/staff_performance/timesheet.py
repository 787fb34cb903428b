"""Clock-in readings, leave, and closing a working day into lateness and absence fines."""
from datetime import timedelta

import sqlalchemy as sa

from services.staff_performance import attendance, duty, fines, leave, register, rota, windows
from services.staff_performance.business_days import business_day, week_of
from services.staff_performance.flags import raise_flag
from services.staff_performance.ladders import lateness_rule
from services.staff_performance.models import AttendanceDay, LeaveRequest, Punch, StaffMember
from shared.db.unit_of_work import insert_ignoring_duplicates
from shared.errors import Conflict, NotFound, RuleViolation

SYSTEM = "system"
STREAK_LOOKBACK_DAYS = 14


def record_punch(uow, punch_id, staff_id, at, device, now, direction=None, skew=windows.DEFAULT_CLOCK_SKEW):
    """A device may resend a reading: the punch id makes it count once. A new reading from the future,
    or for a day already judged (it would change nothing), is refused."""
    windows.refuse("at", windows.not_yet(at, now, skew))
    day = business_day(at)
    stmt = insert_ignoring_duplicates(uow.session.get_bind().dialect.name, Punch.__table__).values(
        punch_id=punch_id, staff_id=staff_id, at=at, day=day, device=device, direction=direction)
    new = bool(uow.session.execute(stmt).rowcount)
    if new and _judged(uow.session, staff_id, day):
        windows.refuse("at", f"on {day}, whose attendance is already judged", code="day_closed")
    register.note_if_unknown(uow, staff_id, day, f"clock-in device {device}")
    return new


def _judged(session, staff_id, day):
    return session.scalar(sa.select(AttendanceDay.id).where(AttendanceDay.staff_id == staff_id,
                                                            AttendanceDay.day == day)) is not None


def request_leave(uow, policy, staff_id, kind, first_day, last_day, requested_at, reason, now):
    windows.refuse("requested_at", windows.not_yet(requested_at, now))
    windows.refuse("first_day", windows.too_far_ahead(first_day, business_day(now)))
    register.get_staff(uow.session, staff_id)
    check = leave.check_notice(policy, kind, first_day, last_day, requested_at)
    request = LeaveRequest(staff_id=staff_id, kind=kind, first_day=first_day, last_day=last_day,
                           requested_at=requested_at, reason=reason, notice_ok=check.notice_ok,
                           proof_required=check.proof_required, notice_note=check.reason)
    uow.session.add(request)
    uow.session.flush()
    return request


def record_proof(uow, leave_id, day):
    """Sick or emergency leave is granted at once; the proof (治疗证明) comes afterwards."""
    done = uow.session.execute(sa.update(LeaveRequest).where(
        LeaveRequest.id == leave_id, LeaveRequest.proof_required.is_(True),
        LeaveRequest.proof_received_on.is_(None)).values(proof_received_on=day)).rowcount
    leave_request = uow.session.get(LeaveRequest, leave_id, populate_existing=True)
    if leave_request is None:
        raise NotFound(f"no leave request {leave_id}", leave_id=leave_id)
    if not done:
        raise Conflict("this leave needs no proof, or has it already", code="proof_not_expected")
    return leave_request


def leave_requests(session, staff_id=None):
    query = sa.select(LeaveRequest).order_by(LeaveRequest.first_day, LeaveRequest.id)
    return session.scalars(query.where(LeaveRequest.staff_id == staff_id) if staff_id else query).all()


def _on_leave(session, staff_id, day):
    """Only leave asked for in time excuses the day (otherwise 按旷工处理)."""
    return session.scalar(sa.select(sa.func.count(LeaveRequest.id)).where(
        LeaveRequest.staff_id == staff_id, LeaveRequest.notice_ok.is_(True),
        LeaveRequest.first_day <= day, LeaveRequest.last_day >= day)) > 0


def close_day(uow, book, day, now):
    """Judge everyone's `day` once; returns the judgements made now (a closed day is not judged twice)."""
    if day >= business_day(now):
        raise RuleViolation(f"{day} is not over yet", code="day_not_over", fields={"day": ["not over yet"]})
    staff = uow.session.scalars(sa.select(StaffMember).where(
        StaffMember.active.is_(True), StaffMember.registered.is_(True))).all()
    rotas = rota.by_person(uow.session, *week_of(day))
    return {member.staff_id: judgement for member in staff
            if (judgement := _close_for(uow, book, member, day, rotas.get(member.staff_id, {}))) is not None}


def _close_for(uow, book, member, day, person_rota):
    """Judged against the person's shift that day: the rota's, or the policy's week (duty.py)."""
    readings = [attendance.Reading(at, direction) for at, direction in uow.session.execute(
        sa.select(Punch.at, Punch.direction).where(Punch.staff_id == member.staff_id, Punch.day == day))]
    policy = book.for_day(day)
    shift = duty.shift_on(policy, day, person_rota)
    judgement = attendance.judge_day(shift, day, readings, policy.zone, policy["absence_after_minutes"],
                                     _on_leave(uow.session, member.staff_id, day))
    stmt = insert_ignoring_duplicates(uow.session.get_bind().dialect.name, AttendanceDay.__table__).values(
        staff_id=member.staff_id, day=day, status=judgement.status, late_minutes=judgement.late_minutes,
        early_minutes=judgement.early_minutes, away_minutes=judgement.away_minutes, reason=judgement.reason)
    if not uow.session.execute(stmt).rowcount:
        return None
    if judgement.status == attendance.ABSENT:
        _absent(uow, book, policy, member, day, judgement)
    elif judgement.is_late:
        fines.issue(uow, policy, member.staff_id, lateness_rule(member.rank), day,
                    f"late {judgement.late_minutes} min on {day}", SYSTEM)
    return judgement


def _absent(uow, book, policy, member, day, judgement):
    fines.issue(uow, policy, member.staff_id, "absence", day, f"absent on {day}: {attendance.describe(judgement)}",
                SYSTEM)
    streak = policy["consecutive_absences_flag"]
    if _absent_streak(uow.session, book, member.staff_id, day) >= streak:
        raise_flag(uow, member.staff_id, "dismissal_review", day,
                   f"absent {streak} working days in a row (连续旷工两日)", subject="consecutive_absence")


def _absent_streak(session, book, staff_id, day):
    """Working days absent in a row, ending with `day`; the person's working days follow the rota (duty.py)."""
    first = day - timedelta(days=STREAK_LOOKBACK_DAYS)
    closed = dict(session.execute(sa.select(AttendanceDay.day, AttendanceDay.status).where(
        AttendanceDay.staff_id == staff_id, AttendanceDay.day <= day, AttendanceDay.day > first)).all())
    person_rota = rota.by_person(session, week_of(first)[0], day).get(staff_id, {})
    streak = 0
    for cursor in (day - timedelta(days=n) for n in range(STREAK_LOOKBACK_DAYS)):
        if duty.shift_on(book.for_day(cursor), cursor, person_rota) is None:
            continue
        if closed.get(cursor) != attendance.ABSENT:
            break
        streak += 1
    return streak


def close_yesterday(uow, book, now):
    """The timer's job: yesterday (business day) is over, judge it."""
    return close_day(uow, book, business_day(now) - timedelta(days=1), now)
