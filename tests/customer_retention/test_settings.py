"""Thresholds come from config, with the rule defaults (§7: 30 days; §8: yellow within 7 days)."""
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from services.customer_retention.deadlines import colour, days_left
from services.customer_retention.settings import Settings


def test_defaults_follow_the_rules_and_config_overrides_them():
    assert (Settings().protection_days, Settings().pool_yellow_days) == (30, 7)
    custom = Settings.from_config({"PROTECTION_DAYS": "15", "HIGH_VALUE_SPEND": "1000.50", "AMQP_URI": "x"})
    assert (custom.protection_days, custom.high_value_spend, custom.win_back_days) == (15, Decimal("1000.50"), 90)


def test_section8_colour_of_a_deadline():
    deadline = datetime(2026, 4, 1, tzinfo=timezone.utc)
    week = timedelta(days=7)
    assert colour(deadline, deadline - timedelta(days=8), week) == "green"
    assert colour(deadline, deadline - week, week) == "yellow"
    assert colour(deadline, deadline, week) == "red"
    assert days_left(deadline, deadline - timedelta(days=2, hours=12)) == 3
    assert days_left(deadline, deadline + timedelta(days=1)) == 0
