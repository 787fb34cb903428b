"""Order review's codes worded by the console (#19, Chinese throughout): every hold the rules place reads
in Chinese and English from its code and parameters, as do the history and the refusals."""
from datetime import timedelta
from decimal import Decimal

import pytest

from services.order_review import rules
from services.order_review.models import BlacklistEntry
from services.order_review.settings import Settings as ReviewPolicy
from services.web_console import texts
from services.web_console.api import ApiError
from services.web_console.formatting import local
from services.web_console.pages.review import HOLD_CODES, history_entry, hold_reason, refusal
from shared.timeutil import utcnow


def words(lang):
    return lambda key, **values: texts.translate(lang, key, **values)


def holds_of_every_rule():
    """One real hold per code, made by the service's own rules."""
    order = {"buyer_remark": "请周末送货", "shipping_fee": Decimal("8.00"), "total": Decimal("999.00"),
             "lines": [{"sku": "SKU-001", "qty": 1, "unit_price": Decimal("900.00"), "unit_weight_g": 500}],
             "courier": "ZTO",
             "payment": {"method": "cod", "paid_amount": Decimal("0.00")},
             "shipping_address": {"recipient": "王", "phone": "123", "province": "火星", "city": "上海市",
                                  "district": "", "line1": "", "postcode": ""}}
    listed = BlacklistEntry(kind="phone", shown="123", reason="拒收三次", listed_by="SV-1")
    history = rules.CustomerHistory(cod_refusals=2, same_goods_orders=[("SO-20261201-0001", utcnow())],
                                    blacklisted=[listed])
    made = rules.review(order, history, ReviewPolicy())
    made.append(rules.conflict_hold({"order_no": "SO-1", "total": "1", "lines": [1]},
                                    {"order_no": "SO-1", "total": "2", "lines": [2]}))
    made.append(rules.out_of_stock_hold([{"sku": "SKU-001", "needed": 2, "available": 0}]))
    return {hold.code: {"code": hold.code, "params": hold.params} for hold in made}


def test_every_hold_the_rules_place_reads_in_both_languages():
    holds = holds_of_every_rule()
    assert set(holds) == set(HOLD_CODES) == set(rules.CODES)
    chinese = {code: hold_reason(words("zh"), hold) for code, hold in holds.items()}
    english = {code: hold_reason(words("en"), hold) for code, hold in holds.items()}
    assert all(chinese.values()) and all(english.values())
    assert chinese["INCOMPLETE_ADDRESS"] == "缺少：区/县、详细地址；不可信：收件人“王”、省“火星”"
    assert chinese["BAD_PHONE"].startswith("收件人电话“123”")
    assert chinese["COD_RISK"] == "代收 ¥999.00 超过 ¥500.00 的限额；该顾客此前拒收货到付款包裹 2 次"
    assert chinese["AMOUNT_MISMATCH"] == "金额对不上：商品 ¥900.00 + 运费 ¥8.00，订单合计 ¥999.00"
    assert "SO-20261201-0001（下单于 " in chinese["POSSIBLE_DUPLICATE"]
    assert chinese["CONFLICTING_ORDER"].startswith("订单 SO-1 再次到达，商品、金额不同")
    assert chinese["OUT_OF_STOCK"] == "缺货：SKU-001 需要 2 件，可用 0 件。仓库占用到货后自动解除。"
    assert chinese["COURIER_NOT_SERVED"] == "买家指定中通快递，但它不能承运此包裹：不代收货款（火星，500 克）。"
    assert english["COURIER_NOT_SERVED"] == ("The buyer chose ZTO Express, which can't take this parcel: it collects "
                                             "no cash on delivery (火星, 500 g).")
    assert chinese["BLACKLISTED"] == "订单命中黑名单：电话“123”（SV-1 列入，原因：拒收三次）"
    assert english["BLACKLISTED"] == "The order names what is blacklisted: phone “123” (listed by SV-1: 拒收三次)"
    assert english["INCOMPLETE_ADDRESS"] == "Missing: District, Street address; Implausible: Recipient “王”, Province “火星”"
    for code, text in chinese.items():   # no English sentence on a Chinese page
        assert not any(word in text for word in ("missing", "Cash", "The buyer", "needs", "placed")), (code, text)


def test_a_hold_from_before_parameters_shows_its_name_only():
    assert hold_reason(words("zh"), {"code": "BAD_PHONE", "message": "Recipient phone ...", "params": {}}) == ""


@pytest.mark.parametrize("item, expected", [
    ({"event": "received"}, "订单到达审单"),
    ({"event": "hold_placed", "code": "BAD_PHONE", "params": {"phone": "123"}}, "挂起：电话有误（收件人电话“123”"),
    ({"event": "hold_released", "code": "INCOMPLETE_ADDRESS", "by": "R-4", "how": "correction"},
     "“地址不全”已随 R-4 的更正自动解除"),
    ({"event": "hold_released", "code": "BUYER_REMARK", "by": "R-6", "how": "approval"}, "R-6 放行时解除“买家留言”"),
    ({"event": "hold_released", "code": "OUT_OF_STOCK", "by": "warehouse", "how": "warehouse"}, "仓库占用到货"),
    ({"event": "corrected", "field": "line1", "before": "", "after": "世纪大道 100 号", "by": "R-4"},
     "R-4 更正详细地址：（空） → 世纪大道 100 号"),
    ({"event": "approved", "by": "R-6", "reason": "已电话确认"}, "R-6 放行，理由：已电话确认"),
    ({"event": "approved", "by": "R-6", "reason": None}, "R-6 放行"),
    ({"event": "approved", "by": "auto", "reason": None}, "自动放行"),
    ({"event": "rejected", "by": "R-3", "reason": "买家取消"}, "R-3 拒绝，理由：买家取消"),
    ({"event": "handed_over"}, "已交接快递"), ({"event": "delivered"}, "快递已签收"),
    ({"event": "corrected", "field": "courier", "before": "ZTO", "after": "EMS", "by": "R-2"},
     "R-2 更正快递：中通快递 → 中国邮政 EMS"),
    ({"event": "corrected", "field": "courier", "before": "ZTO", "after": "", "by": "R-2"}, "中通快递 → （空）"),
    ({"event": "goods_changed", "by": "R-3", "reason": "买家留言", "before": [{"sku": "SKU-001", "qty": 2}],
      "after": [{"sku": "SKU-002", "qty": 3}, {"sku": "SKU-006", "qty": 1}]},
     "R-3 修改商品：SKU-001 × 2 → SKU-002 × 3、SKU-006 × 1，理由：买家留言"),
    ({"event": "goods_change_refused", "reason": "picking_started", "after": [{"sku": "SKU-002", "qty": 3}]},
     "仓库已开始配货，商品修改（SKU-002 × 3）未采用，订单保持原商品"),
])
def test_history_entries_read_in_chinese(item, expected):
    assert expected in history_entry(words("zh"), item)


def test_refusals_read_in_the_readers_words_with_their_details():
    zh = words("zh")
    at = (utcnow().replace(hour=2, minute=30) - timedelta(days=1)).isoformat().replace("+00:00", "Z")
    assert refusal(zh, ApiError(422, "reason_required", "...", {"reason": ["required"]},
                                {"holds": ["BUYER_REMARK", "COD_RISK"]})) == \
        "此单仍有挂起原因（买家留言、货到付款风险）：放行须填写理由。"
    handed = refusal(zh, ApiError(409, "already_handed_over", "...", details={"handed_over_at": at}))
    assert handed.startswith("包裹已于 ") and " 10:30 交接快递" in handed   # Asia/Shanghai, UTC+8
    assert "10:30" in refusal(zh, ApiError(409, "already_delivered", "...", details={"delivered_at": at}))
    fails = refusal(zh, ApiError(422, "correction_fails_review", "...", {"phone": ["fails review"]},
                                 {"holds": [{"code": "BAD_PHONE", "params": {"phone": "123"}}]}))
    assert fails.startswith("此单已交仓库处理，不能再挂起，更正未保存：收件人电话“123”")
    assert refusal(zh, ApiError(400, "validation_failed", "...", {"phone": ["Longer than maximum length 32."]})) == \
        "请检查：电话"
    assert refusal(zh, ApiError(409, "claimed_by_other", "...", details={"holder": "R-2", "expires_at": at})) == \
        f"此单正由 R-2 审核（至 {local(at)}）。"


def test_policy_refusals_read_in_both_languages():
    from services.web_console.pages.blacklist import refusal as blacklist_refusal
    zh, en = words("zh"), words("en")
    served = ApiError(422, "courier_not_served", "...", {"courier": ["cod"]}, {"courier": "DBL", "problems": ["cod"]})
    assert refusal(zh, served) == "德邦快递不能承运此包裹：不代收货款。"
    assert refusal(en, served) == "Deppon can't take this parcel: it collects no cash on delivery."
    fails = ApiError(422, "goods_change_fails_review", "...", {"lines": ["fails review"]}, {"holds": [
        {"code": "AMOUNT_MISMATCH", "params": {"lines": "295.00", "shipping": "0.00", "total": "118.00", "paid": None}}]})
    assert refusal(zh, fails) == "此单已交仓库处理，不能再挂起，商品未修改：金额对不上：商品 ¥295.00 + 运费 ¥0.00，订单合计 ¥118.00"
    bad = ApiError(422, "bad_blacklist_value", "...", {"value": ["not_a_phone"]})
    assert blacklist_refusal(zh, bad) == "无法列入：不是有效的手机号或带区号的固定电话"
    listed = ApiError(409, "already_listed", "...", details={"entry_id": 7, "listed_by": "SV-1"})
    assert blacklist_refusal(zh, listed) == "已在名单上（第 7 条，SV-1 列入）。"
    assert blacklist_refusal(en, listed) == "Listed already (entry 7, by SV-1)."
