"""The carriers the tariff names, each with its adapter (numbers from loaded ranges, or a carrier's web API),
and what the use cases ask about them."""
from dataclasses import dataclass

from services.shipping_labels.adapters import adapters_for
from services.shipping_labels.tariff import Tariff
from shared.errors import RuleViolation


@dataclass(frozen=True)
class Carriers:
    tariff: Tariff
    adapters: dict

    @classmethod
    def load(cls, tariff_source=None, api_timeout=10.0):
        """From the tariff (a dict, a JSON file's path, or None for the bundled tariff.json)."""
        tariff = Tariff.load(tariff_source)
        return cls(tariff, adapters_for(tariff, api_timeout))

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
