"""Weighing (称重): what a parcel should weigh, and how far from it is still right.

A weight far from what the goods should weigh means a wrong or missing item
(business rules §3), so such a parcel is held for re-check, not shipped.
"""
import math
from dataclasses import dataclass
from decimal import Decimal

PACKAGING_ALLOWANCE_G = 50   # box, filler and tape of an ordinary parcel


@dataclass(frozen=True)
class Tolerance:
    """The larger of an absolute margin and a share of the expected weight."""
    min_g: int = 50
    percent: Decimal = Decimal("5")

    def margin_g(self, expected_g):
        return max(self.min_g, math.ceil(Decimal(expected_g) * self.percent / 100))

    def expected_range(self, expected_g):
        margin = self.margin_g(expected_g)
        return max(0, expected_g - margin), expected_g + margin

    def accepts(self, expected_g, weight_g):
        low, high = self.expected_range(expected_g)
        return low <= weight_g <= high


def expected_weight_g(lines, allowance_g=PACKAGING_ALLOWANCE_G):
    """The goods' unit weights times quantities, plus the packaging."""
    return sum(line["unit_weight_g"] * line["qty"] for line in lines) + allowance_g
