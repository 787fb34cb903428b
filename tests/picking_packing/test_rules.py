"""Plain rules of picking & packing, no broker or database (business rules §2 stock, §3 weighing)."""
from decimal import Decimal

import pytest
from marshmallow import ValidationError

from services.picking_packing.allocation import plan
from services.picking_packing.pick_lists import merged_lines
from services.picking_packing.schemas import CountSchema, ScanSchema
from services.picking_packing.settings import Settings
from services.picking_packing.weighing import Tolerance, expected_weight_g

SCAN_ID = "6f1c2f9e-2b1a-4b8e-9a53-2f1f5c3f8a10"


def test_fifo_plan_serves_in_turn_and_an_earlier_order_keeps_its_claim():
    """§2 缺货订单: waiting orders are served first come, first served."""
    waiting = [("SO-1", {"A": 2}), ("SO-2", {"A": 1}), ("SO-3", {"B": 1}), ("SO-4", {"A": 1, "B": 1})]
    served, short = plan(waiting, {"A": 1, "B": 5})
    assert served == ["SO-3"]   # SO-2 may not take the unit SO-1 is waiting for; SO-4 neither
    assert short["SO-1"] == [{"sku": "A", "needed": 2, "available": 1}]
    assert short["SO-2"] == [{"sku": "A", "needed": 1, "available": 0}]
    assert short["SO-4"] == [{"sku": "A", "needed": 1, "available": 0}]
    assert plan(waiting, {"A": 4, "B": 2}) == (["SO-1", "SO-2", "SO-3", "SO-4"], {})
    assert plan([("SO-9", {"X": 1})], {}) == ([], {"SO-9": [{"sku": "X", "needed": 1, "available": 0}]})


@pytest.mark.parametrize("expected, low, high", [
    (400, 350, 450),       # 5 % is 20 g: the 50 g floor applies
    (1000, 950, 1050),     # both 50 g
    (3000, 2850, 3150),    # 5 % is 150 g
    (1010, 959, 1061),     # 50.5 g rounds up, never narrower than 5 %
])
def test_weight_tolerance_is_the_larger_of_50_g_and_5_percent(expected, low, high):
    """§3 称重: a weight far from what the goods weigh means a wrong or missing item."""
    tolerance = Tolerance()
    assert tolerance.expected_range(expected) == (low, high)
    assert tolerance.accepts(expected, low) and tolerance.accepts(expected, high)
    assert not tolerance.accepts(expected, low - 1) and not tolerance.accepts(expected, high + 1)


def test_weight_tolerance_and_thresholds_come_from_config():
    settings = Settings.from_config({"WEIGHT_TOLERANCE_MIN_G": 10, "WEIGHT_TOLERANCE_PERCENT": "2.5",
                                     "LOW_STOCK_THRESHOLD": 7, "PACKAGING_ALLOWANCE_G": 80})
    assert settings.tolerance == Tolerance(min_g=10, percent=Decimal("2.5"))
    assert settings.tolerance.expected_range(1000) == (975, 1025)
    assert (settings.low_stock_threshold, settings.packaging_allowance_g) == (7, 80)
    assert Settings.from_config({}) == Settings()


def test_expected_weight_is_goods_times_quantity_plus_packaging():
    lines = [{"sku": "A", "qty": 2, "unit_weight_g": 420}, {"sku": "B", "qty": 1, "unit_weight_g": 60}]
    assert expected_weight_g(lines) == 2 * 420 + 60 + 50
    assert expected_weight_g(lines, allowance_g=0) == 900


def test_an_order_listing_a_sku_twice_is_one_pick_line():
    lines = merged_lines([{"sku": "B", "qty": 1, "name": "b", "unit_weight_g": 5},
                          {"sku": "A", "qty": 2, "name": "a", "unit_weight_g": 9},
                          {"sku": "B", "qty": 3, "name": "b", "unit_weight_g": 5}])
    assert [(l["sku"], l["qty"]) for l in lines] == [("A", 2), ("B", 4)]


@pytest.mark.parametrize("body, field", [
    ({"type": "pick", "order_no": "SO-1"}, "barcode"),
    ({"type": "pick", "order_no": "SO-1", "barcode": "A", "qty": 0}, "qty"),
    ({"type": "pick", "order_no": "SO-1", "barcode": "A", "weight_g": 5}, "weight_g"),
    ({"type": "pack", "order_no": "SO-1"}, "weight_g"),
    ({"type": "pack", "order_no": "SO-1", "weight_g": 1.5}, "weight_g"),
    ({"type": "pack", "order_no": "SO-1", "weight_g": -3}, "weight_g"),
    ({"type": "pack", "order_no": "SO-1", "weight_g": 5, "colour": "red"}, "colour"),
    ({"type": "handover", "tracking_no": "EE1"}, "type"),   # moved to shipping labels: POST /handovers
    ({"type": ["handover"]}, "type"),
    ({"type": {"handover": 1}}, "type"),
    ({"type": "weigh", "order_no": "SO-1"}, "type"),
])
def test_a_scan_names_the_field_it_gets_wrong(body, field):
    with pytest.raises(ValidationError) as error:
        ScanSchema().load({"scan_id": SCAN_ID, "station_id": "ST-1", **body})
    assert field in error.value.messages


def test_a_pick_scan_counts_one_unless_told():
    loaded = ScanSchema().load({"scan_id": SCAN_ID, "station_id": "ST-1", "type": "pick", "order_no": "SO-1",
                                "barcode": "A"})
    assert loaded["qty"] == 1


def test_a_count_names_each_sku_once():
    with pytest.raises(ValidationError) as error:
        CountSchema().load({"reason": "monthly count", "lines": [{"sku": "A", "counted": 1},
                                                                 {"sku": "A", "counted": 2}]})
    assert "lines" in error.value.messages
