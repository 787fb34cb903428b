"""The review's thresholds the config may change (business-rules §2), with their defaults.

Read once per container by `ServiceSettings(Settings)` (service.py): each field from its config key,
`<KEY>` in the service's config or `ORDER_REVIEW_<KEY>` in the environment.
"""
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from shared.settings import read_settings, setting


@dataclass(frozen=True)
class Settings:
    # COD_RISK_AMOUNT: COD orders above this amount are held (000 art. 6: ~30% of COD parcels come back).
    cod_risk_amount: Decimal = Decimal("500.00")
    # COD_REFUSALS_FOR_RISK: this many refused COD parcels make every further COD order of the customer risky.
    cod_refusals_for_risk: int = 1
    # Same customer, same goods within this window: possibly ordered twice by mistake.
    duplicate_window: timedelta = setting(timedelta(hours=24), key="DUPLICATE_WINDOW_HOURS", unit="hours")
    # A reviewer's claim on an order lapses after this long without activity.
    claim_ttl: timedelta = setting(timedelta(minutes=15), key="CLAIM_MINUTES", unit="minutes")

    from_config = classmethod(read_settings)   # Settings.from_config(config): what ServiceSettings reads
