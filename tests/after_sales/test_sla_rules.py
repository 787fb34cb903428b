"""The first-answer SLA (business-rules §5: 60 minutes ordinary, 4 hours difficult) in working
time (seed 001 考勤制度: 8:30–12:00, 14:00–18:00, staffed Monday to Sunday), with holidays as data,
paused while waiting on the buyer, coloured as §8 (三色预警). Plain unit tests, no broker."""
from datetime import date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from services.after_sales.calendar import WorkingCalendar
from services.after_sales.settings import Settings as SlaPolicy
from services.after_sales.sla import GREEN, RED, YELLOW, SlaClock, difficulty

SHANGHAI = ZoneInfo("Asia/Shanghai")
HOUR = 3600


def local(day, hh, mm=0):
    """A wall-clock moment at the desk, as the aware datetime the service stores (UTC)."""
    return datetime(2026, 11, day, hh, mm, tzinfo=SHANGHAI).astimezone(ZoneInfo("UTC"))


def new_case():
    return SimpleNamespace(sla_budget_s=0, sla_used_s=0, sla_running_since=None, sla_deadline=None,
                           sla_yellow_at=None, sla_breached_at=None, answered_at=None, answered_within_sla=None)


def started(opened_at, minutes=60, holidays=()):
    case = new_case()
    clock = SlaClock(case, WorkingCalendar(holidays=holidays), 0.75)
    clock.start(opened_at, minutes * 60)
    return case, clock


def test_rule5_ordinary_answer_due_60_working_minutes_later():
    case, _ = started(local(24, 9, 0))
    assert case.sla_deadline == local(24, 10, 0)
    assert case.sla_yellow_at == local(24, 9, 45)


def test_rule5_deadline_skips_the_lunch_break():
    case, _ = started(local(24, 11, 30))
    assert case.sla_deadline == local(24, 14, 30)


def test_rule5_deadline_skips_the_evening_and_night():
    case, _ = started(local(24, 17, 30))
    assert case.sla_deadline == local(25, 9, 0)


def test_rule5_case_opened_at_night_starts_counting_at_8_30():
    case, _ = started(local(24, 20, 0))
    assert case.sla_deadline == local(25, 9, 30)


def test_rule5_difficult_4_hours_across_the_evening_and_a_holiday():
    case, _ = started(local(24, 16, 0), minutes=240, holidays={date(2026, 11, 25)})
    # 16:00–18:00 today, the 25th is a holiday, 8:30–10:30 on the 26th.
    assert case.sla_deadline == local(26, 10, 30)


def test_seed001_desk_is_staffed_on_sundays_unless_configured_otherwise():
    sunday = 29
    assert local(sunday, 9).astimezone(SHANGHAI).weekday() == 6
    assert started(local(sunday, 9))[0].sla_deadline == local(sunday, 10)
    weekdays_only = WorkingCalendar(workdays=range(5))
    assert weekdays_only.add(local(27, 17, 30), 3600) == local(30, 9, 0)   # Friday → Monday


def test_working_seconds_counts_only_working_periods():
    calendar = WorkingCalendar(holidays={date(2026, 11, 25)})
    assert calendar.working_seconds(local(24, 11, 0), local(24, 15, 0)) == 2 * HOUR
    assert calendar.working_seconds(local(24, 17, 0), local(26, 9, 30)) == 2 * HOUR
    assert calendar.working_seconds(local(24, 12, 0), local(24, 14, 0)) == 0


def test_working_periods_and_time_zone_come_from_configuration():
    policy = SlaPolicy.from_config({"SLA_WORKING_PERIODS": "09:00-17:00", "SLA_TIMEZONE": "UTC",
                                    "SLA_ORDINARY_MINUTES": 30})
    calendar = policy.calendar()
    start = datetime(2026, 11, 24, 16, 45, tzinfo=ZoneInfo("UTC"))
    assert calendar.add(start, policy.budget_seconds(False)) == start + timedelta(hours=16, minutes=30)


def test_rule5_clock_pauses_while_waiting_on_the_buyer():
    case, clock = started(local(24, 9, 0))
    clock.pause(local(24, 9, 20))           # agent asked the buyer for photos: 20 min used
    assert case.sla_deadline is None
    assert not clock.is_overdue(local(24, 17, 0))
    clock.resume(local(24, 15, 0))           # buyer replied after lunch: 40 min left
    assert case.sla_deadline == local(24, 15, 40)
    assert case.sla_yellow_at == local(24, 15, 25)


def test_rule8_colours_green_yellow_red_and_a_breach_stays_red():
    case, clock = started(local(24, 9, 0))
    assert clock.colour(local(24, 9, 44)) == GREEN
    assert clock.colour(local(24, 9, 45)) == YELLOW
    assert clock.colour(local(24, 10, 0)) == RED
    assert clock.is_overdue(local(24, 10, 0))
    assert clock.answer(local(24, 10, 5)) is False
    assert case.sla_breached_at == local(24, 10, 0)
    assert clock.colour(local(24, 11, 0)) == RED


def test_rule8_answered_in_time_is_green_for_good():
    case, clock = started(local(24, 9, 0))
    assert clock.answer(local(24, 9, 50)) is True
    assert case.answered_within_sla is True and case.sla_breached_at is None
    assert clock.colour(local(25, 9, 0)) == GREEN


def test_rule8_yellow_while_paused_after_75_percent():
    case, clock = started(local(24, 9, 0))
    clock.pause(local(24, 9, 50))
    assert clock.colour(local(24, 16, 0)) == YELLOW


@pytest.mark.parametrize("marked, reason, amount, disputed, expected", [
    (True, "quality", "10.00", False, "marked_by_agent"),
    (False, "damaged", "10.00", False, "damaged_goods"),
    (False, "quality", "10.00", True, "dispute_after_rejection"),
    (False, "quality", "500.01", False, "amount_over_threshold"),
    (False, "quality", "500.00", False, None),
])
def test_rule5_difficult_cases_get_4_hours(marked, reason, amount, disputed, expected):
    policy = SlaPolicy()
    assert difficulty(policy, marked, reason, Decimal(amount), disputed) == expected
    assert policy.budget_seconds(expected is not None) == (4 * HOUR if expected else HOUR)


def test_difficult_threshold_comes_from_configuration():
    policy = SlaPolicy.from_config({"DIFFICULT_AMOUNT": "100.00"})
    assert difficulty(policy, False, "quality", Decimal("100.01"), False) == "amount_over_threshold"
