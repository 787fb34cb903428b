"""Issue #23: the courier the order was approved with (the buyer's 指定快递, 001 3.5, or the reviewer's) labels
the parcel when it can take it; otherwise the tariff's rules choose, and the history says so."""
import pytest

from services.shipping_labels import labelling
from services.shipping_labels.models import Shipment
from services.shipping_labels.replies import shipment_by_order_no
from services.shipping_labels.tariff import Parcel, Tariff
from tests.shipping_labels.factories import T0, approved, events, packed
from tests.shipping_labels.test_labelling import load


@pytest.fixture(scope="module")
def tariff():
    return Tariff.load()


def test_a_preferred_carrier_that_can_take_the_parcel_is_used(tariff):
    heavy = Parcel("浙江省", 25000, cod=False)
    assert tariff.route(heavy).carrier == "DBL"   # the rules' own choice
    chosen = tariff.route(heavy, preferred="ZTO")
    assert (chosen.carrier, chosen.service, chosen.cost) == ("ZTO", "标准快递", tariff.price("ZTO", "neighbouring", 25000))


@pytest.mark.parametrize("parcel", [Parcel("浙江省", 1200, cod=True), Parcel("新疆维吾尔自治区", 1200, cod=False),
                                    Parcel("浙江省", 30001, cod=False)])
def test_a_preferred_carrier_that_cannot_take_it_gives_way_to_the_rules(tariff, parcel):
    assert tariff.route(parcel, preferred="ZTO") == tariff.route(parcel)


def test_the_weight_limit_is_the_carriers_own_on_both_sides(tariff):
    assert tariff.route(Parcel("浙江省", 30000, cod=False), preferred="ZTO").carrier == "ZTO"
    assert tariff.route(Parcel("浙江省", 30001, cod=False), preferred="ZTO").carrier == "DBL"


def _ship(run, desk, order, weight_g):
    run(labelling.expect_shipment, order, T0)
    run(labelling.parcel_packed, desk, packed(order["order_no"], weight_g=weight_g))
    return order["order_no"]


def test_the_approved_courier_labels_the_parcel(db, desk, run):
    load(run, desk)   # EMS numbers
    load(run, desk, carrier="ZTO", first="735000000001", last="735000000100")
    number = _ship(run, desk, {**approved(), "courier": "EMS"}, 800)   # the rules would take ZTO
    with db.read() as session:
        assert session.get(Shipment, number).carrier == "EMS"
    assert events(db, "waybill_issued")[-1]["carrier"] == "EMS"
    unchosen = _ship(run, desk, approved(), 800)
    with db.read() as session:
        assert session.get(Shipment, unchosen).carrier == "ZTO"


def test_a_parcel_heavier_than_the_chosen_courier_takes_goes_by_the_rules_and_says_so(db, desk, run):
    load(run, desk, carrier="ZTO", first="735000000001", last="735000000100")
    number = _ship(run, desk, {**approved(), "courier": "ZTO"}, 30001)
    with db.read() as session:
        view = shipment_by_order_no(session, number)
    assert view["carrier"] == "DBL"
    assert [h["detail"] for h in view["history"] if h["kind"] == "chosen_courier_cannot_take"] == [{"carrier": "ZTO"}]
