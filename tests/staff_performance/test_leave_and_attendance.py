"""Leave notice (seed 000 art. 1 section 七) and judging a day from the clock-in machine
(seed 001 考勤: 8:30-12:00, 14:00-18:00; more than an hour late or early is absence)."""
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from services.staff_performance import attendance
from services.staff_performance.attendance import judge_day
from services.staff_performance.leave import check_notice
from services.staff_performance.policy import Policy

POLICY = Policy({})
SH = ZoneInfo("Asia/Shanghai")
MONDAY = date(2026, 3, 16)


def at(day, hh, mm):
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=SH)


@pytest.mark.parametrize("first, last, asked, ok", [
    (date(2026, 3, 20), date(2026, 3, 24), at(date(2026, 3, 18), 23, 59), True),   # 5 days: 2 days ahead
    (date(2026, 3, 20), date(2026, 3, 24), at(date(2026, 3, 19), 0, 1), False),
    (date(2026, 3, 20), date(2026, 3, 22), at(date(2026, 3, 19), 18, 0), True),    # 3 days: 1 day ahead
    (date(2026, 3, 20), date(2026, 3, 22), at(date(2026, 3, 20), 8, 0), False),
    (date(2026, 3, 20), date(2026, 3, 20), at(date(2026, 3, 19), 23, 59), True),   # next-day short leave
    (date(2026, 3, 20), date(2026, 3, 20), at(date(2026, 3, 20), 0, 1), False),    # after midnight
])
def test_personal_leave_notice(first, last, asked, ok):
    check = check_notice(POLICY, "personal", first, last, asked)
    assert check.notice_ok is ok
    assert check.proof_required is False


@pytest.mark.parametrize("first, last, deadline", [
    (date(2026, 3, 20), date(2026, 3, 24), "2026-03-18T16:00:00+00:00"),   # 5 days: before 19 March begins
    (date(2026, 3, 20), date(2026, 3, 22), "2026-03-19T16:00:00+00:00"),   # 3 days: before 20 March begins
    (date(2026, 3, 20), date(2026, 3, 20), "2026-03-19T16:00:00+00:00"),   # next-day short leave: by midnight
])
def test_leave_asked_exactly_at_the_deadline_is_in_time_a_microsecond_later_is_late(first, last, deadline):
    """The deadline is the last moment in time (requests come in UTC; midnight is Shanghai's)."""
    moment = datetime.fromisoformat(deadline)
    on_the_dot = check_notice(POLICY, "personal", first, last, moment)
    assert on_the_dot.deadline == moment and on_the_dot.notice_ok is True
    assert check_notice(POLICY, "personal", first, last, moment + timedelta(microseconds=1)).notice_ok is False


@pytest.mark.parametrize("kind", ["sick", "emergency"])
def test_sickness_and_emergencies_at_once_with_proof_afterwards(kind):
    check = check_notice(POLICY, kind, MONDAY, MONDAY, at(MONDAY, 9, 30))
    assert (check.notice_ok, check.proof_required) == (True, True)


@pytest.mark.parametrize("arrive, leave, status, late, early", [
    ((8, 30), (18, 0), attendance.PRESENT, 0, 0),
    ((8, 31), (18, 0), attendance.LATE, 1, 0),
    ((9, 30), (18, 5), attendance.LATE, 60, 0),          # exactly an hour: still lateness
    ((9, 31), (18, 0), attendance.ABSENT, 61, 0),        # more than an hour: absence
    ((8, 0), (17, 30), attendance.EARLY, 0, 30),
    ((8, 0), (16, 59), attendance.ABSENT, 0, 61),
    ((8, 45), (17, 50), attendance.LATE_AND_EARLY, 15, 10),
])
def test_judging_a_working_day(arrive, leave, status, late, early):
    judged = judge_day(POLICY, MONDAY, [at(MONDAY, *leave), at(MONDAY, 12, 5), at(MONDAY, *arrive)])
    assert (judged.status, judged.late_minutes, judged.early_minutes) == (status, late, early)


def test_no_clock_in_on_a_working_day_is_absence_but_not_on_leave_or_a_rest_day():
    assert judge_day(POLICY, MONDAY, []).status == attendance.ABSENT
    assert judge_day(POLICY, MONDAY, [], on_leave=True).status == attendance.ON_LEAVE
    assert judge_day(POLICY, date(2026, 3, 22), []).status == attendance.REST   # Sunday
