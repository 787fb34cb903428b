"""The floor's words without a browser (issue 19): a scanner's refusal from code + params in Chinese or English,
times in Asia/Shanghai, statuses in words; every code the floor's services answer has its words."""
import re
from pathlib import Path

import pytest

from services.picking_packing import status as pick_status
from services.shipping_labels import tracking
from services.web_console import floor, texts
from services.web_console.api import ApiError
from services.web_console.pages.warehouse import PICK_STATUSES

SHIPPING = Path(tracking.__file__).parent


def zh(key, **values):
    return texts.translate("zh", key, **values)


def en(key, **values):
    return texts.translate("en", key, **values)


def test_a_refused_hand_over_reads_in_words_with_the_local_time():
    error = ApiError(409, "already_handed_over", "735000000001 was handed over by SH-1 at 2026-12-03T12:20:00Z",
                     details={"tracking_no": "735000000001", "shipper": "SH-1",
                              "handed_over_at": "2026-12-03T12:20:00.123456Z", "status": "shipped"})
    assert floor.refusal(zh, error, "shipment") == "735000000001 已由 SH-1 于 2026-12-03 20:20 交接！"
    assert floor.refusal(en, error, "shipment") == "735000000001 was handed over by SH-1 at 2026-12-03 20:20!"


def test_a_parameter_the_service_left_out_is_blank_and_a_status_is_in_words():
    voided = ApiError(409, "waybill_voided", "", details={"tracking_no": "EE1", "void_reason": "污损"})
    assert floor.refusal(zh, voided, "shipment") == "面单 EE1 已作废（污损，，）！"
    not_packable = ApiError(409, "not_packable", "", details={"status": "cancelled"})
    assert floor.refusal(zh, not_packable, "pick") == "此单已取消，不能打包！"
    not_labelled = ApiError(409, "not_labelled", "", details={"order_no": "SO-1", "status": "awaiting_parcel"})
    assert "待打包" in floor.refusal(zh, not_labelled, "shipment")


def test_a_code_the_floor_has_no_words_for_is_said_in_general_never_in_the_services_english():
    assert floor.refusal(zh, ApiError(500, "internal", "boom"), "pick") is None
    assert floor.alarm(zh, ApiError(503, "unreachable", "picking_packing cannot be reached"), "pick") == zh(
        "error.unreachable")
    assert floor.alarm(zh, ApiError(500, "no_such_code", "boom"), "pick") == zh("error.unknown")
    assert floor.alarm(zh, ApiError(409, "wrong_item", "", details={"barcode": "B-1"}), "pick") == (
        "扫错商品：B-1 不在此订单上！")


@pytest.mark.parametrize("status, warned", [("cancelled", True), ("waiting_stock", True), ("handed_over", True),
                                            ("ready", False), ("picked", False), ("held", False), ("packed", False)])
def test_the_packer_is_warned_off_orders_not_to_pack(status, warned):
    assert (floor.warning({"status": status}) is not None) == warned
    assert floor.warning(None) is None


def test_every_code_the_floor_shows_has_words():
    """Pick-list stages and their next steps, hand-over refusals, waybill statuses, shipment history kinds."""
    assert set(PICK_STATUSES) == set(pick_status.ALL)
    keys = [f"floor.next.{s}" for s in pick_status.ALL] + [f"pick.{s}" for s in pick_status.ALL]
    handover = (SHIPPING / "handover.py").read_text()
    keys += [f"floor.refused.{code}" for code in re.findall(r'return (?:404|409|"(\w+)")', handover) if code]
    keys += ["floor.refused.unknown_tracking_no", "floor.waybill.active", "floor.waybill.voided"]
    kinds = {kind for source in SHIPPING.glob("*.py")
             for kind in re.findall(r'\bnote\([^)]*?, "(\w+)",', source.read_text(), re.S)}
    assert {"handed_over", "voided", "labelled"} <= kinds
    keys += [f"floor.history.{kind}" for kind in kinds]
    keys += [f"floor.history.tracking_{s}" for s in tracking.STATUSES]
    assert [key for key in keys if key not in texts.TEXTS] == []
