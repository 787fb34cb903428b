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

    # COURIERS: what each courier a buyer may choose (指定快递, 001 3.5) can take: cash on delivery
    # (collects_cash), remote provinces (reaches_remote), the heaviest parcel (max_weight_g). The same facts as
    # shipping_labels' tariff.json carriers (a test keeps the defaults equal); a deployment with its own tariff
    # sets both. Kept here, not asked of shipping: review decides alone, on the order as it arrives.
    couriers: dict = setting({
        "EMS": {"collects_cash": True, "reaches_remote": True, "max_weight_g": 40000},
        "ZTO": {"collects_cash": False, "reaches_remote": False, "max_weight_g": 30000},
        "DBL": {"collects_cash": False, "reaches_remote": False, "max_weight_g": 100000},
    })
    # REMOTE_PROVINCES: the tariff's remote zone (only couriers that reach_remote go there).
    remote_provinces: tuple[str, ...] = ("新疆", "西藏")
    # SPLIT_WAITING_ORDERS: split a prepaid order the warehouse reports short at once (拆单, issue #23): what is in
    # stock ships now, the rest follows as a backorder. Off: a reviewer splits it (POST /orders/<no>/split).
    split_waiting_orders: bool = False

    from_config = classmethod(read_settings)   # Settings.from_config(config): what ServiceSettings reads
