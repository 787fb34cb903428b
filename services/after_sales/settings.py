"""The thresholds the config may change (business-rules §5 and §8; seed 001's working hours), read once
by `shared.settings_provider.ServiceSettings`: the answer clock's budgets and colours, when a case is
difficult by its amount, and the team's working time."""
from dataclasses import dataclass
from decimal import Decimal

from services.after_sales.calendar import ALL_WEEK, DEFAULT_PERIODS, DEFAULT_TIMEZONE, WorkingCalendar
from shared.settings import read_settings, setting


@dataclass(frozen=True)
class Settings:
    ordinary_minutes: int = setting(60, key="SLA_ORDINARY_MINUTES")
    difficult_minutes: int = setting(240, key="SLA_DIFFICULT_MINUTES")
    yellow_share: float = setting(0.75, key="SLA_YELLOW_SHARE")        # yellow once this share is used
    difficult_amount: Decimal = Decimal("500.00")                        # DIFFICULT_AMOUNT: more is difficult
    periods: str = setting(DEFAULT_PERIODS, key="SLA_WORKING_PERIODS")   # "08:30-12:00,14:00-18:00"
    timezone: str = setting(DEFAULT_TIMEZONE, key="SLA_TIMEZONE")
    workdays: tuple[int, ...] = setting(ALL_WEEK, key="SLA_WORKDAYS")   # Monday is 0
    # The shop's policy (issue 23, return_window.py, deadlines.py, assignment.py).
    return_window_days: int = setting(7, key="RETURN_WINDOW_DAYS")     # 七天无理由, from delivery (or hand-over)
    update_every_hours: int = setting(8, key="UPDATE_EVERY_HOURS")     # working hours between updates
    resolution_hours: int = setting(75, key="RESOLUTION_HOURS")        # working hours from opening to resolved
    auto_assign: bool = setting(True, key="AUTO_ASSIGN")              # new cases for the duty roster's agents
    # How long the platform may take to answer a refund asked of it before the case is flagged (platform_refunds.py).
    platform_refund_timeout_minutes: int = setting(120, key="PLATFORM_REFUND_TIMEOUT_MINUTES")

    from_config = classmethod(read_settings)   # Settings.from_config(config): what ServiceSettings reads

    def budget_seconds(self, difficult):
        return 60 * (self.difficult_minutes if difficult else self.ordinary_minutes)

    def update_seconds(self):
        return 3600 * self.update_every_hours

    def resolution_seconds(self):
        return 3600 * self.resolution_hours

    def calendar(self, holidays=()):
        return WorkingCalendar(self.periods, holidays, self.timezone, self.workdays)
