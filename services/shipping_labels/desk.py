"""The shipping desk: the tariff, one adapter per carrier, and the settings the use cases need."""
from dataclasses import dataclass, field
from datetime import timedelta

from services.shipping_labels.adapters import adapters_for
from services.shipping_labels.documents.content import DEFAULT_SENDER
from services.shipping_labels.documents.fonts import DEFAULT_CJK_FONT_PATH
from services.shipping_labels.documents.label_zpl import DEFAULT_ZPL_FONT
from services.shipping_labels.manifest import DEFAULT_TIMEZONE
from services.shipping_labels.ranges import DEFAULT_LOW_THRESHOLD
from services.shipping_labels.reconciliation import Ageing
from services.shipping_labels.remittance import StatementLimits
from services.shipping_labels.stuck import DEFAULT_SILENT_FOR
from services.shipping_labels.tariff import Tariff
from services.shipping_labels.tracking import DEFAULT_CLOCK_SKEW
from shared.errors import RuleViolation


@dataclass
class ShippingDesk:
    tariff: Tariff
    adapters: dict
    low_threshold: int = DEFAULT_LOW_THRESHOLD
    sender: dict = field(default_factory=lambda: dict(DEFAULT_SENDER))
    font_path: str = DEFAULT_CJK_FONT_PATH
    zpl_font: str = DEFAULT_ZPL_FONT
    timezone: str = DEFAULT_TIMEZONE
    tracking_clock_skew: timedelta = DEFAULT_CLOCK_SKEW
    remittance_ageing: Ageing = field(default_factory=Ageing)
    statement_limits: StatementLimits = field(default_factory=StatementLimits)
    stuck_after: timedelta = DEFAULT_SILENT_FOR

    @classmethod
    def from_config(cls, config):
        """Config keys: TARIFF (dict or JSON path), WAYBILL_RANGE_LOW_THRESHOLD, SENDER, CJK_FONT_PATH,
        ZPL_FONT, MANIFEST_TIMEZONE, CARRIER_API_TIMEOUT, TRACKING_CLOCK_SKEW_SECONDS, and for COD money and
        stuck parcels REMITTANCE_YELLOW_DAYS, REMITTANCE_RED_DAYS, REMITTANCE_MAX_BYTES, REMITTANCE_MAX_ROWS,
        STUCK_PARCEL_DAYS (see cod_settings)."""
        tariff = Tariff.load(config.get("TARIFF"))
        return cls(tariff, adapters_for(tariff, config),
                   low_threshold=int(config.get("WAYBILL_RANGE_LOW_THRESHOLD", DEFAULT_LOW_THRESHOLD)),
                   sender=config.get("SENDER", DEFAULT_SENDER),
                   font_path=config.get("CJK_FONT_PATH", DEFAULT_CJK_FONT_PATH),
                   zpl_font=config.get("ZPL_FONT", DEFAULT_ZPL_FONT),
                   timezone=config.get("MANIFEST_TIMEZONE", DEFAULT_TIMEZONE),
                   tracking_clock_skew=timedelta(seconds=float(config.get(
                       "TRACKING_CLOCK_SKEW_SECONDS", DEFAULT_CLOCK_SKEW.total_seconds()))),
                   **cod_settings(config))

    def adapter(self, carrier):
        return self.adapters[carrier]

    def number_format(self, carrier):
        return self.tariff.number_format(carrier)

    def carrier_name(self, carrier):
        return self.tariff.carriers.get(carrier, {}).get("name", carrier or "")

    def known_carrier(self, carrier):
        """`carrier`, or a 422 naming the carriers there are."""
        if carrier not in self.tariff.carriers:
            raise RuleViolation(f"unknown carrier {carrier!r}", code="unknown_carrier",
                                fields={"carrier": [f"one of {', '.join(self.tariff.carriers)}"]})
        return carrier

    def cod_carriers(self):
        """The carriers that collect cash on delivery, as the tariff says."""
        return [code for code, spec in self.tariff.carriers.items() if spec.get("collects_cash")]

    def is_valid_number(self, carrier, tracking_no):
        try:
            self.number_format(carrier).parse(tracking_no)
            return True
        except ValueError:
            return False


def cod_settings(config):
    """COD money and stuck parcels: days may be fractions (0.5 is twelve hours)."""
    def days(key, default):
        value = timedelta(days=float(config.get(key, default.total_seconds() / 86400)))
        if value <= timedelta(0):
            raise ValueError(f"{key} must be a positive number of days")
        return value

    ageing = Ageing(days("REMITTANCE_YELLOW_DAYS", Ageing.yellow_after), days("REMITTANCE_RED_DAYS", Ageing.red_after))
    if ageing.red_after < ageing.yellow_after:
        raise ValueError("REMITTANCE_RED_DAYS must not be less than REMITTANCE_YELLOW_DAYS")
    limits = StatementLimits(max_bytes=int(config.get("REMITTANCE_MAX_BYTES", StatementLimits.max_bytes)),
                             max_rows=int(config.get("REMITTANCE_MAX_ROWS", StatementLimits.max_rows)))
    return {"remittance_ageing": ageing, "statement_limits": limits,
            "stuck_after": days("STUCK_PARCEL_DAYS", DEFAULT_SILENT_FOR)}
