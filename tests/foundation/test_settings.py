"""shared.settings: one way every service reads its thresholds from its config."""
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest

from shared.settings import SettingsError, read_settings, setting


@dataclass(frozen=True)
class Thresholds:
    protection_days: int = 30
    high_value_spend: Decimal = Decimal("2000.00")
    yellow_share: float = 0.8
    timezone: str = "Asia/Shanghai"
    strict: bool = False
    workdays: tuple[int, ...] = (0, 1, 2, 3, 4)
    duplicate_window: timedelta = setting(timedelta(hours=24), key="DUPLICATE_WINDOW_HOURS", unit="hours")
    periods: list = setting([["09:00", "18:00"]], key="SLA_WORKING_PERIODS")


def test_defaults_stand_where_the_config_is_silent():
    assert read_settings(Thresholds, {}) == Thresholds()
    assert read_settings(Thresholds, {"UNRELATED": "x"}) == Thresholds()


def test_each_field_is_read_from_its_key_and_converted_to_its_type():
    settings = read_settings(Thresholds, {
        "PROTECTION_DAYS": "45", "HIGH_VALUE_SPEND": "1999.99", "YELLOW_SHARE": "0.5", "TIMEZONE": "UTC",
        "STRICT": "true", "WORKDAYS": "0,1,2", "DUPLICATE_WINDOW_HOURS": "1.5",
        "SLA_WORKING_PERIODS": '[["08:00", "12:00"]]'})
    assert settings.protection_days == 45
    assert settings.high_value_spend == Decimal("1999.99") and isinstance(settings.high_value_spend, Decimal)
    assert settings.yellow_share == 0.5 and settings.timezone == "UTC" and settings.strict is True
    assert settings.workdays == (0, 1, 2)
    assert settings.duplicate_window == timedelta(minutes=90)
    assert settings.periods == [["08:00", "12:00"]]


def test_native_values_from_a_yaml_config_pass_through():
    settings = read_settings(Thresholds, {"PROTECTION_DAYS": 7, "WORKDAYS": [5, 6], "STRICT": False,
                                          "SLA_WORKING_PERIODS": [["10:00", "11:00"]]})
    assert (settings.protection_days, settings.workdays, settings.strict) == (7, (5, 6), False)
    assert settings.periods == [["10:00", "11:00"]]


def test_a_mutable_default_is_not_shared_between_instances():
    first, second = Thresholds(), Thresholds()
    first.periods.append(["19:00", "20:00"])
    assert second.periods == [["09:00", "18:00"]]


@pytest.mark.parametrize("key, value", [
    ("PROTECTION_DAYS", "thirty"), ("PROTECTION_DAYS", True), ("HIGH_VALUE_SPEND", "lots"),
    ("STRICT", "maybe"), ("WORKDAYS", "mon,tue"), ("DUPLICATE_WINDOW_HOURS", "a day"),
    ("SLA_WORKING_PERIODS", "[not json"),
])
def test_a_value_that_does_not_fit_is_refused_with_its_key(key, value):
    with pytest.raises(SettingsError) as refused:
        read_settings(Thresholds, {key: value})
    assert refused.value.key == key and repr(value) in str(refused.value)
