"""The shipping desk: the tariff, one adapter per carrier, and the settings the use cases need."""
from dataclasses import dataclass, field
from datetime import timedelta

from services.shipping_labels.adapters import adapters_for
from services.shipping_labels.documents.content import DEFAULT_SENDER
from services.shipping_labels.documents.fonts import DEFAULT_CJK_FONT_PATH
from services.shipping_labels.documents.label_zpl import DEFAULT_ZPL_FONT
from services.shipping_labels.manifest import DEFAULT_TIMEZONE
from services.shipping_labels.ranges import DEFAULT_LOW_THRESHOLD
from services.shipping_labels.tariff import Tariff
from services.shipping_labels.tracking import DEFAULT_CLOCK_SKEW


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

    @classmethod
    def from_config(cls, config):
        """Config keys: TARIFF (dict or JSON path), WAYBILL_RANGE_LOW_THRESHOLD, SENDER, CJK_FONT_PATH,
        ZPL_FONT, MANIFEST_TIMEZONE, CARRIER_API_TIMEOUT, TRACKING_CLOCK_SKEW_SECONDS."""
        tariff = Tariff.load(config.get("TARIFF"))
        return cls(tariff, adapters_for(tariff, config),
                   low_threshold=int(config.get("WAYBILL_RANGE_LOW_THRESHOLD", DEFAULT_LOW_THRESHOLD)),
                   sender=config.get("SENDER", DEFAULT_SENDER),
                   font_path=config.get("CJK_FONT_PATH", DEFAULT_CJK_FONT_PATH),
                   zpl_font=config.get("ZPL_FONT", DEFAULT_ZPL_FONT),
                   timezone=config.get("MANIFEST_TIMEZONE", DEFAULT_TIMEZONE),
                   tracking_clock_skew=timedelta(seconds=float(config.get(
                       "TRACKING_CLOCK_SKEW_SECONDS", DEFAULT_CLOCK_SKEW.total_seconds()))))

    def adapter(self, carrier):
        return self.adapters[carrier]

    def number_format(self, carrier):
        return self.tariff.number_format(carrier)

    def carrier_name(self, carrier):
        return self.tariff.carriers.get(carrier, {}).get("name", carrier or "")

    def is_valid_number(self, carrier, tracking_no):
        try:
            self.number_format(carrier).parse(tracking_no)
            return True
        except ValueError:
            return False
