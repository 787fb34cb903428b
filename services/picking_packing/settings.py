"""The service's configurable thresholds: defaults from the business rules, each overridden by its
upper-case config key (LOW_STOCK_THRESHOLD, PACKAGING_ALLOWANCE_G, WEIGHT_TOLERANCE_MIN_G,
WEIGHT_TOLERANCE_PERCENT, FIFO_OVERTAKE_LIMIT,
MERGE_WINDOW_MINUTES, MERGE_AUTOMATIC), read once by `shared.settings_provider.ServiceSettings(Settings)`."""
from dataclasses import dataclass
from decimal import Decimal

from services.picking_packing.weighing import PACKAGING_ALLOWANCE_G, Tolerance
from shared.settings import read_settings


@dataclass(frozen=True)
class Settings:
    low_stock_threshold: int = 5                              # §2 预警: warn under this many available
    packaging_allowance_g: int = PACKAGING_ALLOWANCE_G
    weight_tolerance_min_g: int = Tolerance.min_g              # §3 称重: the larger of this margin …
    weight_tolerance_percent: Decimal = Tolerance.percent      # … and this share of the expected weight
    fifo_overtake_limit: int = 3   # issue #23: times a waiting order may be overtaken by later ones (0: strict FIFO)
    merge_window_minutes: int = 60     # 合单 (issue #23): orders placed at most this far apart (inclusive) …
    merge_automatic: bool = False      # … merged on arrival when on, else offered to supervisors

    from_config = classmethod(read_settings)   # Settings.from_config(config): what ServiceSettings reads

    @property
    def tolerance(self):
        return Tolerance(min_g=self.weight_tolerance_min_g, percent=self.weight_tolerance_percent)
