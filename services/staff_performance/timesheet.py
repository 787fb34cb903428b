"""Clock-in readings, leave, and closing a working day into lateness and absence fines."""
from datetime import timedelta

from services.staff_performance import attendance, duty, fines, leave, register, rota, storage, windows
from services.staff_performance.business_days import business_day, week_of
from services.staff_performance.flags import raise_flag
from services.staff_performance.ladders import lateness_rule
from services.staff_performance.models import LeaveRequest
from shared.errors import Conflict, NotFound, RuleViolation

SYSTEM = "system"
STREAK_LOOKBACK_DAYS = 14


def record_punch(uow, punch_id, staff_id, at, device, now, direction=None, skew=windows.DEFAULT_CLOCK_SKEW):
    """A device may resend a reading: the punch id makes it count once. A new reading from the future,
    or for a day already judged (it would change nothing), is refused."""
    windows.refuse("at", windows.not_yet(at, now, skew))
    day = business_day(at)
    new = storage.add_punch(uow.session, punch_id=punch_id, staff_id=staff_id, at=at, day=day, device=device,
                            direction=direction)
    if new and storage.is_judged(uow.session, staff_id, day):
        windows.refuse("at", f"on {day}, whose attendance is already judged", code="day_closed")
    register.note_if_unknown(uow, staff_id, day, f"clock-in device {device}")
    return new


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
    done = storage.note_proof(uow.session, leave_id, day)
    leave_request = storage.leave_request(uow.session, leave_id)
    if leave_request is None:
        raise NotFound(f"no leave request {leave_id}", leave_id=leave_id)
    if not done:
        raise Conflict("this leave needs no proof, or has it already", code="proof_not_expected")
    return leave_request


def leave_requests(session, staff_id=None):
    return storage.leave_requests(session, staff_id)


def close_day(uow, book, day, now):
    """Judge everyone's `day` once; returns the judgements made now (a closed day is not judged twice)."""
    if day >= business_day(now):
        raise RuleViolation(f"{day} is not over yet", code="day_not_over", fields={"day": ["not over yet"]})
    staff = storage.active_registered_staff(uow.session)
    rotas = rota.by_person(uow.session, *week_of(day))
    return {member.staff_id: judgement for member in staff
            if (judgement := _close_for(uow, book, member, day, rotas.get(member.staff_id, {}))) is not None}


def _close_for(uow, book, member, day, person_rota):
    """Judged against the person's shift that day: the rota's, or the policy's week (duty.py)."""
    readings = [attendance.Reading(at, direction)
                for at, direction in storage.readings(uow.session, member.staff_id, day)]
    policy = book.for_day(day)
    shift = duty.shift_on(policy, day, person_rota)
    judgement = attendance.judge_day(shift, day, readings, policy.zone, policy["absence_after_minutes"],
                                     # only leave asked for in time excuses the day (otherwise 按旷工处理)
                                     storage.on_leave_in_time(uow.session, member.staff_id, day))
    if not storage.add_judged_day(uow.session, staff_id=member.staff_id, day=day, status=judgement.status,
                                  late_minutes=judgement.late_minutes, early_minutes=judgement.early_minutes,
                                  away_minutes=judgement.away_minutes, reason=judgement.reason):
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
    closed = storage.statuses(session, staff_id, first, day)
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
