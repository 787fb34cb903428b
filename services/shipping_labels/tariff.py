"""Which carrier and service take a parcel, and what it costs: rules and rates are data (tariff.json).

Rules are tried in order; the first whose conditions hold *and* whose carrier can take the
parcel (cash collection for COD, weight limit, reach of remote provinces) wins. The price is
the zone's first weight (首重) plus each started kilogram of continued weight (续重).
"""
import json
import math
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from services.shipping_labels.numbering import number_format

DEFAULT_TARIFF_PATH = Path(__file__).with_name("tariff.json")
ZONES = ("same_province", "neighbouring", "national", "remote")


@dataclass(frozen=True)
class Parcel:
    province: str
    weight_g: int
    cod: bool


@dataclass(frozen=True)
class Route:
    carrier: str
    service: str
    zone: str
    cost: Decimal
    rule: str


class NoCarrier(Exception):
    """No rule's carrier can take this parcel."""


class Tariff:
    def __init__(self, data):
        self.origin = data["origin_province"]
        self.zone_lists = data["zones"]
        self.carriers = data["carriers"]
        self.rules = data["rules"]
        self.rates = data["rates"]
        for rule in self.rules:
            if rule["carrier"] not in self.carriers:
                raise ValueError(f"rule {rule['name']!r} names an unknown carrier {rule['carrier']!r}")

    @classmethod
    def load(cls, source=None):
        """From a dict (config), a path, or the bundled tariff.json."""
        if isinstance(source, dict):
            return cls(source)
        return cls(json.loads(Path(source or DEFAULT_TARIFF_PATH).read_text(encoding="utf-8")))

    def zone_of(self, province):
        if _matches(province, self.zone_lists.get("remote", [])):
            return "remote"
        if _matches(province, [self.origin]):
            return "same_province"
        if _matches(province, self.zone_lists.get("neighbouring", [])):
            return "neighbouring"
        return "national"

    def route(self, parcel, preferred=None):
        """The first rule that applies and whose carrier can take the parcel. `preferred`: the courier the
        order was approved with (the buyer's 指定快递, or the reviewer's) goes first when it can take the
        parcel, with the service of its first rule that applies (or its first rule); otherwise the rules choose."""
        zone = self.zone_of(parcel.province)
        if preferred in self.carriers and self._can_take(preferred, parcel, zone):
            own = [rule for rule in self.rules if rule["carrier"] == preferred]
            if own:
                rule = next((r for r in own if _rule_applies(r.get("when", {}), parcel, zone)), own[0])
                return Route(preferred, rule["service"], zone, self.price(preferred, zone, parcel.weight_g),
                             f"chosen courier ({rule['name']})")
        for rule in self.rules:
            if _rule_applies(rule.get("when", {}), parcel, zone) and self._can_take(rule["carrier"], parcel, zone):
                cost = self.price(rule["carrier"], zone, parcel.weight_g)
                return Route(rule["carrier"], rule["service"], zone, cost, rule["name"])
        raise NoCarrier(f"no carrier takes a {parcel.weight_g} g {'COD ' if parcel.cod else ''}parcel "
                        f"to {parcel.province} ({zone})")

    def price(self, carrier, zone, weight_g):
        rate = self.rates[carrier][zone]
        extra_kg = math.ceil(max(0, weight_g - rate["first_g"]) / 1000)
        return Decimal(rate["first"]) + extra_kg * Decimal(rate["per_kg"])

    def number_format(self, carrier):
        return number_format(self.carriers[carrier].get("numbering", {}))

    def carrier_of_number(self, tracking_no):
        """The carrier whose number format fits, for numbers we never issued (reconciliation)."""
        for code in self.carriers:
            try:
                self.number_format(code).parse(tracking_no)
                return code
            except ValueError:
                continue
        return None

    def _can_take(self, carrier, parcel, zone):
        spec = self.carriers[carrier]
        return ((not parcel.cod or spec.get("collects_cash", False))
                and parcel.weight_g <= spec.get("max_weight_g", math.inf)
                and (zone != "remote" or spec.get("reaches_remote", False))
                and zone in self.rates.get(carrier, {}))


def _matches(province, names):
    return any(province.startswith(name) for name in names)


def _rule_applies(when, parcel, zone):
    return (("cod" not in when or when["cod"] == parcel.cod)
            and ("zone" not in when or when["zone"] == zone)
            and parcel.weight_g >= when.get("min_weight_g", 0)
            and parcel.weight_g <= when.get("max_weight_g", math.inf))
