"""Daily call and lead quotas, weekly visits by rank, and every exemption
(seed 000 art. 1 sections 二、三、四; business-rules §6)."""
from datetime import date

import pytest

from services.staff_performance.policies import Policy
from services.staff_performance.quotas import (
    SalesHistory, daily_calls, daily_leads, lead_exemption, ranking, weekly_visits,
)

POLICY = Policy({})
WEDNESDAY = date(2026, 3, 18)


@pytest.mark.parametrize("bookings, calls, fine, rough", [
    (0, 200, 40, 160), (1, 100, 20, 80), (2, 50, 10, 40), (5, 50, 10, 40),
])
def test_daily_quota_rows_by_visits_booked_for_the_next_day(bookings, calls, fine, rough):
    assert daily_calls(POLICY, bookings) == calls
    assert daily_leads(POLICY, bookings) == (fine, rough)


@pytest.mark.parametrize("rank, visits", [("probation", 5), ("regular", 8), ("senior", 10), ("manager", 10)])
def test_weekly_visits_by_rank(rank, visits):
    assert weekly_visits(POLICY, rank) == visits


def exemption(day, rank="regular", deal_days=None, place=None):
    return lead_exemption(POLICY, day, rank, SalesHistory(deal_days or {}, place))


def test_no_exemption_by_default():
    assert exemption(WEDNESDAY) is None


def test_a_deal_today_frees_the_next_two_days_only():
    deal = {date(2026, 3, 16): 1}   # Monday
    assert exemption(date(2026, 3, 16), deal_days=deal) is None
    assert exemption(date(2026, 3, 17), deal_days=deal) is not None
    assert exemption(date(2026, 3, 18), deal_days=deal) is not None
    assert exemption(date(2026, 3, 19), deal_days=deal) is None


@pytest.mark.parametrize("rank, deals, exempt", [
    ("probation", 1, True), ("regular", 1, True), ("senior", 1, False), ("senior", 2, True),
    ("manager", 2, True),
])
def test_deals_last_week_free_this_week_by_rank(rank, deals, exempt):
    # deals on the Monday of the previous week; this Thursday is past the 2-day deal exemption
    last_week = {date(2026, 3, 9): deals}
    assert (exemption(date(2026, 3, 19), rank, last_week) is not None) is exempt


def test_deals_this_week_do_not_free_this_week():
    assert exemption(date(2026, 3, 20), "regular", {date(2026, 3, 16): 1}) is None


def test_last_months_runner_up_is_free_for_half_a_month():
    assert exemption(date(2026, 3, 15), place=2) is not None
    assert exemption(date(2026, 3, 16), place=2) is None


def test_last_months_champion_is_free_the_whole_month():
    assert exemption(date(2026, 3, 1), place=1) is not None
    assert exemption(date(2026, 3, 31), place=1) is not None


def test_champion_and_runner_up_by_deals_ties_by_staff_id_nobody_without_a_deal():
    assert ranking({"b": 3, "a": 3, "c": 5, "d": 0}) == ["c", "a", "b"]
