"""How each carrier writes its waybill numbers: UPU S10 (EMS) or a plain run of digits."""
import re

from services.shipping_labels import s10
from services.shipping_labels.s10 import InvalidTrackingNumber


class S10Format:
    """EE12345678 5 CN: the prefix is the two service letters, the serial eight digits."""

    def __init__(self, country="CN"):
        self.country = country

    def compose(self, prefix, serial):
        return s10.compose(prefix, serial, self.country)

    def parse(self, number):
        prefix, serial, country = s10.parse(number)
        if country != self.country:
            raise InvalidTrackingNumber(f"{number}: country code should be {self.country}")
        return prefix, serial


class DigitsFormat:
    """A carrier's own all-digit numbers: a fixed prefix, then a zero-padded serial."""

    def __init__(self, length=12, prefix_length=4):
        self.length, self.prefix_length = length, prefix_length
        self.pattern = re.compile(rf"^\d{{{length}}}$")

    def compose(self, prefix, serial):
        width = self.length - self.prefix_length
        if serial >= 10 ** width:
            raise InvalidTrackingNumber(f"serial {serial} does not fit {width} digits")
        return f"{prefix}{serial:0{width}d}"

    def parse(self, number):
        if not self.pattern.match(number or ""):
            raise InvalidTrackingNumber(f"{number!r} is not {self.length} digits")
        return number[:self.prefix_length], int(number[self.prefix_length:])


def number_format(spec):
    kind = spec.get("format", "s10")
    if kind == "s10":
        return S10Format(spec.get("country", "CN"))
    if kind == "digits":
        return DigitsFormat(spec.get("length", 12), spec.get("prefix_length", 4))
    raise ValueError(f"unknown tracking number format {kind!r}")
