"""Carrier choice and price from the tariff data (business rules §4; 000 art. 6: EMS collects COD)."""
from decimal import Decimal

import pytest

from services.shipping_labels.tariff import NoCarrier, Parcel, Tariff


@pytest.fixture(scope="module")
def tariff():
    return Tariff.load()


def test_cod_parcel_goes_to_ems_which_collects_cash(tariff):
    route = tariff.route(Parcel("浙江省", 1200, cod=True))
    assert (route.carrier, route.service, route.zone) == ("EMS", "EMS 代收货款", "neighbouring")
    assert route.cost == Decimal("17.00")   # 首重 12.00 + 1 started kg × 5.00


def test_remote_province_goes_to_the_carrier_that_reaches_it(tariff):
    route = tariff.route(Parcel("新疆维吾尔自治区", 2500, cod=False))
    assert (route.carrier, route.zone) == ("EMS", "remote")
    assert route.cost == Decimal("66.00")   # 30.00 + 2 started kg × 18.00
    assert tariff.route(Parcel("西藏自治区", 500, cod=False)).cost == Decimal("30.00")


def test_heavy_parcel_goes_to_the_heavy_freight_carrier(tariff):
    route = tariff.route(Parcel("四川省", 25000, cod=False))
    assert (route.carrier, route.zone) == ("DBL", "national")
    assert route.cost == Decimal("45.00") + 22 * Decimal("3.50")   # first 3 kg, then 22 kg


def test_ordinary_parcel_goes_to_the_cheapest_everyday_carrier(tariff):
    assert tariff.route(Parcel("江苏省", 1000, cod=False)).cost == Decimal("6.00")   # exactly the first weight
    route = tariff.route(Parcel("广东省", 1001, cod=False))
    assert (route.carrier, route.zone, route.cost) == ("ZTO", "national", Decimal("17.00"))


def test_weight_limits_exclude_a_carrier_and_nothing_left_is_no_carrier(tariff):
    with pytest.raises(NoCarrier):
        tariff.route(Parcel("浙江省", 45000, cod=True))   # EMS takes 40 kg at most; nobody else collects cash
    assert tariff.route(Parcel("新疆维吾尔自治区", 39000, cod=False)).carrier == "EMS"


def test_rules_and_rates_are_data():
    data = Tariff.load().__dict__
    custom = {"origin_province": "广东", "zones": {"neighbouring": [], "remote": []},
              "carriers": data["carriers"], "rates": {"ZTO": {z: {"first_g": 500, "first": "5.00", "per_kg": "2.00"}
                                                               for z in ("same_province", "national")}},
              "rules": [{"name": "all", "when": {}, "carrier": "ZTO", "service": "经济"}]}
    route = Tariff.load(custom).route(Parcel("广东省", 1600, cod=False))
    assert (route.carrier, route.service, route.cost) == ("ZTO", "经济", Decimal("9.00"))
