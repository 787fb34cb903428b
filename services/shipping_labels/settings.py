"""The service's settings, read once from its config (shared.settings.read_settings; the defaults are the
business rules): the tariff with the carriers it names, the sender and fonts on labels, the manifest's
working day, and the thresholds of COD money and stuck parcels. Days may be fractions (0.5 is twelve hours)."""
from dataclasses import dataclass, field
from datetime import timedelta

from services.shipping_labels.carriers import Carriers
from services.shipping_labels.documents.content import DEFAULT_SENDER
from services.shipping_labels.documents.fonts import DEFAULT_CJK_FONT_PATH
from services.shipping_labels.documents.label_zpl import DEFAULT_ZPL_FONT
from services.shipping_labels.manifest import DEFAULT_TIMEZONE
from services.shipping_labels.ranges import DEFAULT_LOW_THRESHOLD
from services.shipping_labels.reconciliation import DEFAULT_RED_AFTER, DEFAULT_YELLOW_AFTER, Ageing
from services.shipping_labels.remittance import DEFAULT_MAX_BYTES, StatementLimits
from services.shipping_labels.statement_rows import DEFAULT_MAX_ROWS
from services.shipping_labels.stuck import DEFAULT_SILENT_FOR
from services.shipping_labels.tracking import DEFAULT_CLOCK_SKEW
from shared.settings import SettingsError, read_settings, setting


@dataclass(frozen=True)
class Settings:
    # The tariff as configured: a dict, or a JSON file's path; None is the bundled tariff.json. `carriers` is
    # built from it (with CARRIER_API_TIMEOUT for carriers with a web API).
    tariff_source: object = setting(None, key="TARIFF")
    carrier_api_timeout: float = 10.0
    low_threshold: int = setting(DEFAULT_LOW_THRESHOLD, key="WAYBILL_RANGE_LOW_THRESHOLD")
    sender: dict = setting(DEFAULT_SENDER)
    font_path: str = setting(DEFAULT_CJK_FONT_PATH, key="CJK_FONT_PATH")
    zpl_font: str = DEFAULT_ZPL_FONT
    timezone: str = setting(DEFAULT_TIMEZONE, key="MANIFEST_TIMEZONE")
    tracking_clock_skew: timedelta = setting(DEFAULT_CLOCK_SKEW, key="TRACKING_CLOCK_SKEW_SECONDS", unit="seconds")
    remittance_yellow_after: timedelta = setting(DEFAULT_YELLOW_AFTER, key="REMITTANCE_YELLOW_DAYS", unit="days")
    remittance_red_after: timedelta = setting(DEFAULT_RED_AFTER, key="REMITTANCE_RED_DAYS", unit="days")
    remittance_max_bytes: int = DEFAULT_MAX_BYTES
    remittance_max_rows: int = DEFAULT_MAX_ROWS
    stuck_after: timedelta = setting(DEFAULT_SILENT_FOR, key="STUCK_PARCEL_DAYS", unit="days")
    carriers: Carriers = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        for key, value in (("REMITTANCE_YELLOW_DAYS", self.remittance_yellow_after),
                           ("REMITTANCE_RED_DAYS", self.remittance_red_after), ("STUCK_PARCEL_DAYS", self.stuck_after)):
            if value <= timedelta(0):
                raise SettingsError(key, "must be a positive number of days")
        if self.remittance_red_after < self.remittance_yellow_after:
            raise SettingsError("REMITTANCE_RED_DAYS", "must not be less than REMITTANCE_YELLOW_DAYS")
        object.__setattr__(self, "carriers", Carriers.load(self.tariff_source, self.carrier_api_timeout))

    from_config = classmethod(read_settings)   # Settings.from_config(config): what ServiceSettings reads

    @property
    def remittance_ageing(self):
        return Ageing(self.remittance_yellow_after, self.remittance_red_after)

    @property
    def statement_limits(self):
        return StatementLimits(max_bytes=self.remittance_max_bytes, max_rows=self.remittance_max_rows)
