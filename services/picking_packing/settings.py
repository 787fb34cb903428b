"""The service's configurable thresholds, read once from the nameko config (defaults here)."""
from dataclasses import dataclass
from decimal import Decimal

from services.picking_packing.stock import DEFAULT_LOW_STOCK_THRESHOLD
from services.picking_packing.weighing import PACKAGING_ALLOWANCE_G, Tolerance


@dataclass(frozen=True)
class Settings:
    low_stock_threshold: int = DEFAULT_LOW_STOCK_THRESHOLD
    packaging_allowance_g: int = PACKAGING_ALLOWANCE_G
    tolerance: Tolerance = Tolerance()

    @classmethod
    def from_config(cls, config):
        default = cls()
        return cls(
            low_stock_threshold=int(config.get("LOW_STOCK_THRESHOLD", default.low_stock_threshold)),
            packaging_allowance_g=int(config.get("PACKAGING_ALLOWANCE_G", default.packaging_allowance_g)),
            tolerance=Tolerance(
                min_g=int(config.get("WEIGHT_TOLERANCE_MIN_G", default.tolerance.min_g)),
                percent=Decimal(str(config.get("WEIGHT_TOLERANCE_PERCENT", default.tolerance.percent)))),
        )
