"""The review's configurable thresholds (business-rules §2), with their defaults."""
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal


@dataclass(frozen=True)
class ReviewPolicy:
    # COD orders above this amount are held (000 art. 6: ~30% of COD parcels come back).
    cod_risk_amount: Decimal = Decimal("500.00")
    # This many refused COD parcels make every further COD order of the customer risky.
    cod_refusals_for_risk: int = 1
    # Same customer, same goods within this window: possibly ordered twice by mistake.
    duplicate_window: timedelta = timedelta(hours=24)
    # A reviewer's claim on an order lapses after this long without activity.
    claim_ttl: timedelta = timedelta(minutes=15)

    @classmethod
    def from_config(cls, config):
        default = cls()
        return cls(
            cod_risk_amount=Decimal(str(config.get("COD_RISK_AMOUNT", default.cod_risk_amount))),
            cod_refusals_for_risk=int(config.get("COD_REFUSALS_FOR_RISK", default.cod_refusals_for_risk)),
            duplicate_window=timedelta(hours=float(config.get(
                "DUPLICATE_WINDOW_HOURS", default.duplicate_window.total_seconds() / 3600))),
            claim_ttl=timedelta(minutes=float(config.get(
                "CLAIM_MINUTES", default.claim_ttl.total_seconds() / 60))),
        )
