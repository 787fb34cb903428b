"""The duty rota's rules (seed 001: 周一至周日有人在岗,每天2人值班; business-rules §6): who is expected
which day, a day short of people on duty, and the days the rota may still change."""
from datetime import date, time, timedelta
from types import SimpleNamespace

import pytest

from services.staff_performance import duty
from services.staff_performance.policies import Policy, PolicyBook, invalid_changes

POLICY = Policy({})
MONDAY, SATURDAY, NEXT_MONDAY = date(2026, 3, 16), date(2026, 3, 21), date(2026, 3, 23)


def entry(start=None, end=None):
    return SimpleNamespace(start=start, end=end)


def test_someone_on_the_rota_in_a_week_works_only_their_rota_days_that_week():
    rota = {SATURDAY: entry(), date(2026, 3, 22): entry()}
    assert duty.shift_on(POLICY, SATURDAY, rota) == POLICY.shift()
    assert duty.shift_on(POLICY, MONDAY, rota) is None                  # not Monday to Friday any more
    assert duty.shift_on(POLICY, NEXT_MONDAY, rota) == POLICY.shift()   # a week without the rota: the default week


def test_someone_not_on_the_rota_works_the_policys_default_week():
    assert duty.shift_on(POLICY, MONDAY, {}) == POLICY.shift()
    assert duty.shift_on(POLICY, SATURDAY, {}) is None


def test_the_rota_may_set_a_shifts_start_and_end():
    shift = duty.shift_on(POLICY, SATURDAY, {SATURDAY: entry(end=time(16, 0))})
    assert (shift.start, shift.end) == (time(8, 30), time(16, 0))


@pytest.mark.parametrize("people, short_by", [(0, 2), (1, 1), (2, 0), (3, 0)])
def test_a_day_with_fewer_than_two_on_duty_is_short(people, short_by):
    [day] = duty.staffing(PolicyBook(), [SATURDAY], {SATURDAY: [f"S{n}" for n in range(people)]})
    assert (day.required, day.short_by) == (2, short_by)


def test_the_number_on_duty_follows_the_policy_in_force_that_day():
    book = PolicyBook([{"effective_from": "2026-03-21", "duty": {"per_day": 3, "warn_days_ahead": 3}}])
    friday, saturday = duty.staffing(book, [date(2026, 3, 20), SATURDAY], {})
    assert (friday.required, saturday.required) == (2, 3)


def test_the_rota_changes_from_today_to_a_year_ahead():
    today = MONDAY
    assert duty.rota_day_problem(today - timedelta(days=1), today).startswith("before today")
    assert duty.rota_day_problem(today, today) is None
    assert duty.rota_day_problem(today + timedelta(days=366), today) is None
    assert duty.rota_day_problem(today + timedelta(days=367), today) is not None


def test_hours_must_make_a_working_day():
    assert duty.shift_problems(POLICY, time(14, 0), time(22, 0)) == {}
    assert set(duty.shift_problems(POLICY, time(18, 0), time(9, 0))) == {"end"}
    assert set(duty.shift_problems(POLICY, None, time(8, 30))) == {"end"}           # ends as it starts
    assert set(duty.shift_problems(POLICY, time(12, 0), time(14, 0))) == {"end"}    # all lunch


def test_today_and_the_next_three_days_are_watched():
    assert duty.days_to_watch(POLICY, MONDAY) == [MONDAY + timedelta(days=n) for n in range(4)]


def test_a_policy_version_may_ask_for_more_on_duty_but_not_for_nobody():
    assert invalid_changes({"duty": {"per_day": 3, "warn_days_ahead": 7}}) == {}
    assert set(invalid_changes({"duty": {"per_day": 0, "warn_days_ahead": 3}})) == {"duty"}
    assert set(invalid_changes({"duty": {"per_day": 2}})) == {"duty"}
