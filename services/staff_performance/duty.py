"""Who is on duty when (seed 001: 周一至周日有人在岗,每天2人值班; business-rules §6).

The rota says, day by day, who works, on any day of the week, with the shift's start or end where
it differs from the policy's hours (8:30-18:00). Attendance follows it:
- someone on the rota in a week (Monday to Sunday) works that week on their rota days only;
- someone not on the rota at all that week works the policy's default week (`workdays`, Monday to
  Friday), so a department that keeps no rota, or a person left off it, is judged as before.
A day with fewer people on the rota than the policy asks (`duty.per_day`, 2) is short; the service
flags it as it comes near (`duty.warn_days_ahead`). Plain rules: days and `today` are given.
"""
from dataclasses import dataclass
from datetime import date, timedelta

from services.staff_performance.business_days import week_of
from services.staff_performance.windows import too_far_ahead


@dataclass(frozen=True)
class Staffing:
    """One day of the rota: who is on duty, and how many the policy asks for."""
    day: date
    on_duty: tuple
    required: int

    @property
    def short_by(self):
        return max(0, self.required - len(self.on_duty))


def shift_on(policy, day, rota):
    """The person's hours on `day`, or None if they are not expected. `rota`: their {day: entry}
    (entry.start / entry.end, None for the policy's), covering at least `day`'s week."""
    first, last = week_of(day)
    if any(first <= listed <= last for listed in rota):
        entry = rota.get(day)
        return None if entry is None else policy.shift(entry.start, entry.end)
    return policy.shift() if policy.is_workday(day) else None


def staffing(book, days, on_duty_by_day):
    """on_duty_by_day: {day: [people on the rota]}; each day against the policy in force that day."""
    return [Staffing(day, tuple(on_duty_by_day.get(day, ())), book.for_day(day)["duty"]["per_day"]) for day in days]


def days_to_watch(policy, today):
    """Today and the days ahead whose shortage is flagged now."""
    return [today + timedelta(days=n) for n in range(policy["duty"]["warn_days_ahead"] + 1)]


def rota_day_problem(day, today):
    """The rota may change from today to a year ahead; a past day's rota is what it was judged by."""
    if day < today:
        return f"before today ({today}): a past day's rota stays as it was judged"
    return too_far_ahead(day, today)


def shift_problems(policy, start, end):
    """{field: [reason]} for hours that make no working day (the lunch break is not working time)."""
    shift = policy.shift(start, end)
    if shift.start >= shift.end:
        return {"end": [f"must be after the start ({shift.start:%H:%M})"]}
    if not shift.spans(date(2000, 1, 3), policy.zone):
        return {"end": ["the shift lies within the lunch break: no working time"]}
    return {}
