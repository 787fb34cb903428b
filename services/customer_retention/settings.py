"""Thresholds of the pool and the care team, from the service config (defaults here): each field is
overridden by its upper-case key (`CUSTOMER_RETENTION_PROTECTION_DAYS=30` in the environment), read once
by the service (`shared.settings_provider.ServiceSettings(Settings)`).

Sales limits (how many customers a rep holds, claims a day, the re-claim
cooldown) are data, not config: see limits.py.
"""
from dataclasses import dataclass
from decimal import Decimal

from shared.settings import read_settings


@dataclass(frozen=True)
class Settings:
    protection_days: int = 30            # §7: protection lasts 30 days
    pool_yellow_days: int = 7            # §8: yellow when it expires within this many days
    expiry_notice_days: int = 3          # reps are told this many days before expiry
    idle_flag_days: int = 14             # held this long without a follow-up: flagged for the manager
    care_visit_days: int = 3             # 回访 this many days after delivery
    negative_review_sla_hours: int = 24  # contact a buyer who left a rating of 2 or less
    cod_refusal_call_hours: int = 24     # call the buyer of a COD parcel that came back
    cod_delivery_call_hours: int = 8     # call the recipient of a COD parcel the courier could not deliver
    notify_customer_hours: int = 4       # tell the customer about an out-of-stock order
    retention_call_hours: int = 48       # call a high-value customer after a refund
    high_value_spend: Decimal = Decimal("2000.00")   # lifetime spend that makes a customer high-value
    win_back_days: int = 90              # 2+ orders and none for this many days: win back
    win_back_due_days: int = 7           # a win-back task is due this many days after it is opened
    task_yellow_hours: int = 4           # a care task due within this many hours is yellow

    from_config = classmethod(read_settings)   # Settings.from_config(config): what ServiceSettings reads
