"""Leave notice (seed 000 art. 1 section 七) and judging a day from the clock-in machine
(seed 001 考勤: 8:30-12:00, 14:00-18:00; early leave, more than an hour late or away, is absence)."""
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from services.staff_performance import attendance
from services.staff_performance.attendance import Reading, judge_day
from services.staff_performance.leave import check_notice
from services.staff_performance.policies import Policy

POLICY = Policy({})
SH = ZoneInfo("Asia/Shanghai")
MONDAY = date(2026, 3, 16)


def at(day, hh, mm, ss=0):
    return datetime(day.year, day.month, day.day, hh, mm, ss, tzinfo=SH)


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


def judge(readings, shift=POLICY.shift(), on_leave=False):
    return judge_day(shift, MONDAY, readings, SH, POLICY["absence_after_minutes"], on_leave)


def day_of(*moments):
    """Readings at (hour, minute[, second][, direction]) on MONDAY."""
    readings = []
    for moment in moments:
        direction = moment[-1] if isinstance(moment[-1], str) else None
        readings.append(Reading(at(MONDAY, *(moment[:-1] if direction else moment)), direction))
    return readings


@pytest.mark.parametrize("arrive, leave, status, late, early, reason", [
    ((8, 30, 0), (18, 0, 0), attendance.PRESENT, 0, 0, ""),
    ((8, 30, 1), (18, 0, 0), attendance.LATE, 1, 0, ""),                  # a second after the start: late
    ((9, 30, 0), (18, 5, 0), attendance.LATE, 60, 0, ""),                 # exactly an hour: still lateness
    ((9, 30, 1), (18, 0, 0), attendance.ABSENT, 61, 0, attendance.LATE_OVER_LIMIT),   # more than an hour
    ((9, 31, 0), (18, 0, 0), attendance.ABSENT, 61, 0, attendance.LATE_OVER_LIMIT),
    ((8, 0, 0), (17, 59, 59), attendance.ABSENT, 0, 1, attendance.LEFT_EARLY),   # early leave, by any amount
    ((8, 0, 0), (17, 30, 0), attendance.ABSENT, 0, 30, attendance.LEFT_EARLY),
    ((8, 45, 0), (17, 50, 0), attendance.ABSENT, 15, 10, attendance.LEFT_EARLY),
])
def test_judging_a_working_day(arrive, leave, status, late, early, reason):
    """001: 迟到...1小时以上...视为旷工; 凡未到下班时间,提前离岗,即为早退,早退当天按旷工处理."""
    judged = judge(day_of(leave, (12, 5, 0), arrive))
    assert (judged.status, judged.late_minutes, judged.early_minutes, judged.reason) == (status, late, early, reason)


@pytest.mark.parametrize("out, back, status, away", [
    ((10, 0, 0), (11, 0, 0), attendance.PRESENT, 60),          # an hour away: not more than an hour
    ((10, 0, 0), (11, 0, 1), attendance.ABSENT, 61),           # 未经批准离岗1小时以上 依旷工论处
    ((11, 30, 0), (14, 30, 0), attendance.PRESENT, 60),        # the lunch break is not working time
    ((11, 30, 0), (14, 31, 0), attendance.ABSENT, 61),
])
def test_more_than_an_hour_away_from_the_post_is_absence(out, back, status, away):
    judged = judge(day_of((8, 30, "in"), (*out, "out"), (*back, "in"), (18, 0, "out")))
    assert (judged.status, judged.away_minutes) == (status, away)
    assert judged.reason == (attendance.AWAY_OVER_LIMIT if status == attendance.ABSENT else "")


def test_time_away_counts_only_between_an_out_and_the_next_in():
    """Without directions, or with an `in` missing, the machine cannot say when the person came back."""
    assert judge(day_of((8, 30), (10, 0), (15, 0), (18, 0))).status == attendance.PRESENT
    assert judge(day_of((8, 30, "in"), (10, 0, "out"), (15, 0, "out"), (18, 0, "out"))).status == attendance.PRESENT


def test_the_shift_on_the_rota_sets_the_end_of_the_day():
    until_four = POLICY.shift(end=time(16, 0))
    assert judge(day_of((8, 30), (16, 0)), shift=until_four).status == attendance.PRESENT
    assert judge(day_of((8, 30), (15, 59, 59)), shift=until_four).reason == attendance.LEFT_EARLY
    afternoon = POLICY.shift(start=time(14, 0), end=time(22, 0))
    judged = judge(day_of((14, 0), (22, 0)), shift=afternoon)
    assert (judged.status, judged.late_minutes) == (attendance.PRESENT, 0)


def test_no_clock_in_when_expected_is_absence_but_not_on_leave_or_a_rest_day():
    assert (judge([]).status, judge([]).reason) == (attendance.ABSENT, attendance.NO_CLOCK_IN)
    assert judge([], on_leave=True).status == attendance.ON_LEAVE
    assert judge(day_of((17, 0)), on_leave=True).status == attendance.ON_LEAVE   # leave arranged covers early leave
    assert judge([], shift=None).status == attendance.REST
