"""The thresholds the config may change (shared.settings). The department's own numbers (hours, quotas,
fine ladders) are not settings: they are the policy a manager keeps as data (policies.py)."""
from dataclasses import dataclass
from datetime import timedelta

from services.staff_performance.windows import DEFAULT_CLOCK_SKEW
from shared.settings import setting


@dataclass(frozen=True)
class Settings:
    # how far ahead of ours a clock-in device's clock may run
    clock_skew: timedelta = setting(DEFAULT_CLOCK_SKEW, key="CLOCK_SKEW_SECONDS", unit="seconds")
