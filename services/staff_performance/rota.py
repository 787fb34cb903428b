"""The duty rota in the database: a manager puts people on duty or takes them off, a week is read
with who is short, and days coming near with fewer than the policy asks are flagged (duty.py)."""
from services.staff_performance import duty, storage, windows
from services.staff_performance.attendance import summary
from services.staff_performance.business_days import days_between, week_of
from services.staff_performance.flags import raise_flag
from services.staff_performance.register import get_staff
from shared.errors import NotFound, RuleViolation
from shared.timeutil import utcnow

# A short day is the department's, not a person's: its flags name the rota.
ROTA = "duty_rota"
UNDERSTAFFED = "understaffed"


def put(uow, policy, day, staff_id, start, end, by, today):
    """Put someone on duty on `day` (or change their hours); True if they were not on it yet."""
    windows.refuse("day", duty.rota_day_problem(day, today))
    problems = duty.shift_problems(policy, start, end)
    if problems:
        raise RuleViolation("these hours make no working day", code="validation_failed", fields=problems)
    member = get_staff(uow.session, staff_id)
    if not (member.registered and member.active):
        raise RuleViolation(f"{staff_id} is not an active member of the register", code="not_on_the_register",
                            fields={"staff_id": ["not an active member of the register"]})
    return storage.put_on_rota(uow.session, day, staff_id, {"start": start, "end": end, "set_by": by,
                                                             "set_at": utcnow()})


def remove(uow, day, staff_id, today):
    windows.refuse("day", duty.rota_day_problem(day, today))
    if not storage.take_off_rota(uow.session, day, staff_id):
        raise NotFound(f"{staff_id} is not on duty on {day}", code="not_on_duty")


def by_person(session, first, last):
    """{staff_id: {day: entry}} for the days first..last."""
    return storage.rota_by_person(session, first, last)


def flag_short_days(uow, book, today):
    """Each day from today to `duty.warn_days_ahead` with fewer on duty than asked: flagged once."""
    days = duty.days_to_watch(book.for_day(today), today)
    on_duty = storage.on_duty_by_day(uow.session, days[0], days[-1])
    for day in duty.staffing(book, days, on_duty):
        if day.short_by:
            raise_flag(uow, ROTA, UNDERSTAFFED, day.day,
                       f"{day.day}: {len(day.on_duty)} on duty, {day.required} required (每天2人值班)")


def week(session, book, day, today):
    """The week (Monday to Sunday) holding `day`: each day's people with their hours and, once the day is
    judged, their attendance; how many short; whether the rota of that day may still change."""
    first, last = week_of(day)
    on_duty = storage.on_duty_by_day(session, first, last)
    judged = {(row.staff_id, row.day): row for row in storage.judged_days(session, first, last)}
    return {"first": first.isoformat(), "last": last.isoformat(), "today": today.isoformat(),
            "days": [_day(book.for_day(s.day), s, judged, today)
                     for s in duty.staffing(book, days_between(first, last), on_duty)]}


def _day(policy, staffing, judged, today):
    return {"day": staffing.day.isoformat(), "weekday": staffing.day.weekday(), "required": staffing.required,
            "short_by": staffing.short_by,
            "colour": "red" if staffing.short_by else "green",
            "open": duty.rota_day_problem(staffing.day, today) is None,
            "on_duty": [_person(policy, entry, name, judged.get((entry.staff_id, entry.day)))
                        for entry, name in staffing.on_duty]}


def _person(policy, entry, name, attendance):
    shift = policy.shift(entry.start, entry.end)
    return {"staff_id": entry.staff_id, "name": name, "start": f"{shift.start:%H:%M}", "end": f"{shift.end:%H:%M}",
            "attendance": None if attendance is None else summary(attendance)}
