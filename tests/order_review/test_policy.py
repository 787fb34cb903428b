"""Issue #23, policy an operator sets: the buyer's chosen courier (指定快递, 001 3.5) honoured when the
tariff allows and held COURIER_NOT_SERVED when not; a blacklist of phones, addresses and customers (held
BLACKLISTED, listing and unlisting audited); a reviewer changing a held order's goods (audited)."""
import hashlib
import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from contracts.storefront import Order
from services.order_review import blacklist, rules
from services.order_review.intake import _content_hash
from services.order_review.models import GoodsChange
from services.order_review.settings import Settings as ReviewPolicy
from shared.testing.polling import wait_for
from tests.order_review.conftest import CHEAP_GOODS, cod_order, storefront_order
from tests.picking_packing.conftest import Warehouse, stock_of, unique

TARIFF = Path(__file__).parents[2] / "services" / "shipping_labels" / "tariff.json"


NEAR = {"province": "浙江省", "city": "杭州市"}   # neither remote nor the origin: every courier reaches it


def held_codes(event, history=rules.CustomerHistory(), policy=ReviewPolicy()):
    return [hold.code for hold in rules.review(Order().load(event["order"]), history, policy)]


def weighing(grams):
    return [{"sku": "SKU-HEAVY", "name": "哑铃", "qty": 1, "unit_price": "100.00", "unit_weight_g": grams}]


# -- the chosen courier, as a rule ----------------------------------------------------------------------

def test_the_couriers_review_knows_are_the_tariffs():
    """Review keeps the tariff's carrier facts in its own settings (it can't ask shipping): kept equal."""
    tariff = json.loads(TARIFF.read_text(encoding="utf-8"))
    facts = ("collects_cash", "reaches_remote", "max_weight_g")
    assert ReviewPolicy().couriers == {code: {fact: spec[fact] for fact in facts if fact in spec}
                                       for code, spec in tariff["carriers"].items()}
    assert list(ReviewPolicy().remote_provinces) == tariff["zones"]["remote"]


def test_a_courier_the_tariff_allows_is_no_hold_and_no_choice_is_none():
    assert held_codes(storefront_order(courier="ZTO", shipping_address=NEAR)) == []
    assert held_codes(storefront_order(courier="EMS", shipping_address={"province": "新疆维吾尔自治区"})) == []
    assert held_codes(storefront_order()) == []


@pytest.mark.parametrize("changes, problems", [
    ({"courier": "ZTO", "payment": {"method": "cod", "paid_amount": "0.00"}, "shipping_address": NEAR}, ["cod"]),
    ({"courier": "DBL", "shipping_address": {"province": "西藏自治区"}}, ["remote"]),
    ({"courier": "SF", "shipping_address": NEAR}, ["unknown"]),
])
def test_a_courier_that_cant_take_the_parcel_holds_it_saying_why(changes, problems):
    [hold] = rules.review(Order().load(storefront_order(**changes)["order"]), rules.CustomerHistory(), ReviewPolicy())
    assert (hold.code, hold.params["courier"], hold.params["problems"]) == (
        "COURIER_NOT_SERVED", changes["courier"], problems)


def test_the_couriers_weight_limit_on_both_sides():
    """ZTO takes 30 000 g: the goods' weight at the limit passes, a gram over holds."""
    assert held_codes(storefront_order(courier="ZTO", lines=weighing(30000), total="100.00",
                                       shipping_fee="0.00", payment={"paid_amount": "100.00"}, shipping_address=NEAR)) == []
    assert held_codes(storefront_order(courier="ZTO", lines=weighing(30001), total="100.00",
                                       shipping_fee="0.00", payment={"paid_amount": "100.00"}, shipping_address=NEAR)) == [
        "COURIER_NOT_SERVED"]


# -- the blacklist, as plain functions --------------------------------------------------------------------

@pytest.mark.parametrize("typed", ["138 1234 5678", "+86 138-1234-5678", "8613812345678", "(138)12345678"])
def test_a_phone_is_one_however_it_is_written(typed):
    assert blacklist.entry_value("phone", typed) == ("13812345678", None)


def test_an_address_is_one_however_it_is_spaced_or_punctuated():
    listed, _ = blacklist.entry_value("address", "上海市 浦东新区，世纪大道１００号")
    assert listed == blacklist.order_address({"province": "上海市", "city": "", "district": "浦东新区",
                                              "line1": "世纪大道 100 号"})


@pytest.mark.parametrize("kind, typed, problem", [("phone", "123", "not_a_phone"), ("phone", "  ", "empty"),
                                                   ("address", "上海 1", "too_short")])
def test_values_that_cant_be_matched_are_refused(kind, typed, problem):
    assert blacklist.entry_value(kind, typed) == (None, problem)


# -- on the running service --------------------------------------------------------------------------------

def list_entry(review, kind, value, reason="拒收三次", staff="SV-1", role="supervisor"):
    return review.http("POST", "/blacklist", staff=staff, role=role, json={"kind": kind, "value": value,
                                                                           "reason": reason})


def test_an_order_naming_a_listed_phone_is_held_naming_it_and_unlisting_lets_the_next_one_go(reviewing):
    review = reviewing()
    listed = list_entry(review, "phone", "138 1234 5678")
    assert listed.status_code == 201, listed.text
    order_no = review.place(storefront_order(shipping_address={"phone": "+86 138-1234-5678"}))
    review.order(order_no, status="held")
    [hold] = review.http("GET", f"/orders/{order_no}").json()["holds"]
    assert (hold["code"], hold["params"]["matches"]) == ("BLACKLISTED", [
        {"kind": "phone", "value": "138 1234 5678", "reason": "拒收三次", "listed_by": "SV-1"}])
    gone = review.http("POST", f"/blacklist/{listed.json()['id']}/unlist", staff="M-1", role="manager",
                       json={"reason": "顾客已核实"})
    assert (gone.status_code, gone.json()["unlisted_by"]) == (200, "M-1")
    later = review.place(storefront_order(shipping_address={"phone": "13812345678"}))
    review.order(later, status="approved")
    page = review.http("GET", "/blacklist", staff="M-1", role="manager").json()
    assert page["entries"] == []
    assert [(a["action"], a["by"], a["reason"], a["value"]) for a in page["audit"]] == [
        ("unlisted", "M-1", "顾客已核实", "138 1234 5678"), ("listed", "SV-1", "拒收三次", "138 1234 5678")]


def test_listed_addresses_and_customers_hold_their_orders(reviewing):
    review = reviewing()
    address = storefront_order(shipping_address={"province": "江苏省", "city": "南京市", "district": "鼓楼区",
                                                 "line1": "中山北路 12 号"})
    customer = storefront_order()
    assert list_entry(review, "address", "江苏省南京市 鼓楼区 中山北路12号").status_code == 201
    assert list_entry(review, "customer", customer["order"]["customer"]["customer_id"]).status_code == 201
    clean = storefront_order(shipping_address={"line1": "中山北路 14 号"})
    for event, status in ((address, "held"), (customer, "held"), (clean, "approved")):
        review.order(review.place(event), status=status)
    assert review.open_hold_codes(address["order"]["order_no"]) == ["BLACKLISTED"]
    assert [m["kind"] for m in review.http("GET", f"/orders/{customer['order']['order_no']}").json()[
        "holds"][0]["params"]["matches"]] == ["customer"]


def test_only_supervisors_and_managers_keep_the_list_and_bad_input_names_the_field(reviewing):
    review = reviewing()
    assert list_entry(review, "phone", "13812345678", staff="R-1", role="reviewer").status_code == 403
    assert review.http("GET", "/blacklist", role="reviewer").status_code == 403
    bad = list_entry(review, "phone", "123")
    assert (bad.status_code, bad.json()["fields"]) == (422, {"value": ["not_a_phone"]})
    unknown_kind = list_entry(review, "email", "a@b.c")
    assert unknown_kind.status_code == 400 and "kind" in unknown_kind.json()["fields"]
    no_reason = review.http("POST", "/blacklist", role="supervisor", json={"kind": "phone", "value": "13812345678"})
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["fields"]
    first = list_entry(review, "phone", "13812345678")
    again = list_entry(review, "phone", "138-1234-5678")
    assert (again.status_code, again.json()["error"]) == (409, "already_listed")
    assert again.json()["entry_id"] == first.json()["id"]
    gone = review.http("POST", f"/blacklist/{first.json()['id']}/unlist", role="supervisor", json={"reason": "错"})
    twice = review.http("POST", f"/blacklist/{first.json()['id']}/unlist", role="supervisor", json={"reason": "错"})
    assert gone.status_code == 200 and (twice.status_code, twice.json()["error"]) == (409, "already_unlisted")
    assert review.http("POST", "/blacklist/999999/unlist", role="supervisor", json={"reason": "x"}).status_code == 404


def test_a_chosen_courier_the_tariff_allows_goes_with_the_approval(reviewing):
    review = reviewing()
    order_no = review.place(storefront_order(courier="EMS"))
    review.order(order_no, status="approved")
    assert [e["courier"] for e in review.events("order_approved", order_no)] == ["EMS"]
    other = review.place(storefront_order())
    review.order(other, status="approved")
    assert [e["courier"] for e in review.events("order_approved", other)] == [None]


def test_a_reviewer_approves_a_courier_not_served_with_another_one_or_the_buyers_with_a_reason(reviewing):
    review = reviewing()
    order_no = review.place(cod_order(courier="ZTO", shipping_address=NEAR))
    review.order(order_no, status="held")
    assert review.open_hold_codes(order_no) == ["COURIER_NOT_SERVED"]
    refused = review.http("POST", f"/orders/{order_no}/approve", json={"courier": "DBL"})
    assert (refused.status_code, refused.json()["error"], refused.json()["fields"]) == (
        422, "courier_not_served", {"courier": ["cod"]})
    answer = review.http("POST", f"/orders/{order_no}/approve", staff="R-2", json={"courier": "EMS"})
    assert (answer.status_code, answer.json()["status"]) == (200, "approved"), answer.text
    assert [e["courier"] for e in review.events("order_approved", order_no)] == ["EMS"]
    assert [(c["field"], c["before"], c["after"], c["reviewer"]) for c in answer.json()["corrections"]] == [
        ("courier", "ZTO", "EMS", "R-2")]
    buyers = review.place(cod_order(courier="ZTO", shipping_address=NEAR))
    review.order(buyers, status="held")
    without = review.http("POST", f"/orders/{buyers}/approve", json={})
    assert (without.status_code, without.json()["error"]) == (422, "reason_required")
    kept = review.http("POST", f"/orders/{buyers}/approve", json={"reason": "顾客坚持中通，先付款"})
    assert kept.status_code == 200 and [e["courier"] for e in review.events("order_approved", buyers)] == ["ZTO"]


def test_a_reviewer_changes_a_held_orders_goods_audited_and_the_amounts_checked_again(reviewing):
    review = reviewing()
    order_no = review.place(storefront_order(buyer_remark="保温杯换成 3 个"))
    review.order(order_no, status="held")
    same_price = [{**CHEAP_GOODS[0], "qty": 3, "unit_price": "39.33"}, {**CHEAP_GOODS[1], "unit_price": "19.91"}]
    answer = review.http("POST", f"/orders/{order_no}/goods", staff="R-3",
                         json={"lines": same_price, "reason": "买家留言"})
    assert answer.status_code == 200, answer.text
    assert [h["code"] for h in answer.json()["holds"]] == ["BUYER_REMARK"]   # 117.99 + 19.91 = 137.90: adds up
    [change] = answer.json()["goods_changes"]
    assert (change["reviewer"], change["reason"], change["before"][0]["qty"], change["after"][0]["qty"]) == (
        "R-3", "买家留言", 2, 3)
    assert "goods_changed" in [entry["event"] for entry in answer.json()["history"]]
    dearer = review.http("POST", f"/orders/{order_no}/goods", staff="R-3", json={
        "lines": [{**CHEAP_GOODS[0], "qty": 4}], "reason": "再加一个"})
    assert [h["code"] for h in dearer.json()["holds"]] == ["BUYER_REMARK", "AMOUNT_MISMATCH"]
    same = review.http("POST", f"/orders/{order_no}/goods", staff="R-3", json={"lines": [{**CHEAP_GOODS[0], "qty": 4}],
                                                                   "reason": "x"})
    assert (same.status_code, same.json()["error"]) == (422, "no_change")
    assert review.http("POST", f"/orders/{order_no}/approve", staff="R-3",
                       json={"reason": "买家补差价"}).status_code == 200
    [approved] = review.events("order_approved", order_no)
    assert [(line["sku"], line["qty"]) for line in approved["lines"]] == [("SKU-001", 4)]
    with review.service.db.read() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(GoodsChange)) == 2


def out_of_stock(review, order_no, sku="SKU-001"):
    review.publish("picking_packing", "order_out_of_stock", {
        "order_no": order_no, "customer_id": review.order(order_no).customer_id,
        "short": [{"sku": sku, "needed": 2, "available": 0}]})
    wait_for(lambda: review.open_hold_codes(order_no) == ["OUT_OF_STOCK"], message="no OUT_OF_STOCK hold")


def test_an_approved_order_waiting_for_goods_tells_the_warehouse_and_a_refusal_puts_the_goods_back(reviewing):
    review = reviewing()
    order_no = review.place(storefront_order())
    review.order(order_no, status="approved")
    out_of_stock(review, order_no)
    same_price = [{**CHEAP_GOODS[0], "sku": "SKU-002", "name": "保温杯（红）"}, CHEAP_GOODS[1]]
    answer = review.http("POST", f"/orders/{order_no}/goods", json={"lines": same_price, "reason": "换有货的颜色"})
    assert (answer.status_code, answer.json()["status"]) == (200, "approved"), answer.text
    [changed] = review.events("order_goods_changed", order_no)
    assert [(line["sku"], line["qty"]) for line in changed["lines"]] == [("SKU-002", 2), ("SKU-006", 1)]
    assert changed["reviewer"] == "R-1" and changed["change_id"] == answer.json()["goods_changes"][0]["id"]

    event = review.publish("picking_packing", "order_goods_change_refused", {
        "order_no": order_no, "change_id": changed["change_id"], "reason": "picking_started", "status": "picking"})
    review.wait_consumed("on_order_goods_change_refused", 1)
    detail = review.http("GET", f"/orders/{order_no}").json()
    assert [line["sku"] for line in detail["order"]["lines"]] == ["SKU-001", "SKU-006"]   # the warehouse's
    assert detail["goods_changes"][0]["refused_reason"] == "picking_started"
    assert detail["history"][-1]["event"] == "goods_change_refused"
    review.publish("picking_packing", "order_goods_change_refused", {   # the same news again changes nothing
        "order_no": order_no, "change_id": changed["change_id"], "reason": "picking_started", "status": "picking"})
    review.wait_consumed("on_order_goods_change_refused", 2)
    assert event and len(review.http("GET", f"/orders/{order_no}").json()["goods_changes"]) == 1


def test_goods_that_would_hold_an_approved_order_are_refused(reviewing):
    review = reviewing()
    order_no = review.place(storefront_order())
    review.order(order_no, status="approved")
    out_of_stock(review, order_no)
    answer = review.http("POST", f"/orders/{order_no}/goods", json={"lines": [{**CHEAP_GOODS[0], "qty": 5}],
                                                                     "reason": "多要几个"})
    assert (answer.status_code, answer.json()["error"], answer.json()["fields"]) == (
        422, "goods_change_fails_review", {"lines": ["fails review"]})
    assert [h["code"] for h in answer.json()["holds"]] == ["AMOUNT_MISMATCH"]
    assert review.events("order_goods_changed", order_no) == []


def test_a_changed_order_waiting_for_goods_is_served_with_the_new_ones(reviewing, start_service, rabbit_config):
    """Both services: the order waits for a SKU nobody has; the reviewer changes it to one on the shelf; the
    pick list takes it, reserves it and review's OUT_OF_STOCK hold is lifted by the warehouse."""
    review = reviewing()
    shop = Warehouse(start_service("picking_packing"), rabbit_config["AMQP_URI"])
    missing, stocked = unique("SKU"), unique("SKU")
    shop.receive((stocked, 4))
    goods = [{**CHEAP_GOODS[0], "sku": missing}]
    order_no = review.place(storefront_order(lines=goods, shipping_fee="0.00", total="118.00",
                                             payment={"paid_amount": "118.00"}))
    shop.pick_list(order_no, status="waiting_stock")
    wait_for(lambda: review.open_hold_codes(order_no) == ["OUT_OF_STOCK"], message="no OUT_OF_STOCK hold")
    answer = review.http("POST", f"/orders/{order_no}/goods", json={"lines": [{**goods[0], "sku": stocked}],
                                                                     "reason": "换有货的"})
    assert answer.status_code == 200, answer.text
    shop.pick_list(order_no, status="ready")
    assert [(l.sku, l.qty) for l in shop.pick_list(order_no).lines] == [(stocked, 2)]
    wait_for(lambda: review.open_hold_codes(order_no) == [], message="OUT_OF_STOCK not lifted")
    assert stock_of(shop.db, stocked) == (4, 2)


def test_goods_of_an_approved_order_are_not_changed_here(reviewing):
    review = reviewing()
    order_no = review.place(storefront_order())
    review.order(order_no, status="approved")
    answer = review.http("POST", f"/orders/{order_no}/goods", json={"lines": [CHEAP_GOODS[0]], "reason": "x"})
    assert (answer.status_code, answer.json()["error"]) == (409, "warehouse_started")
    bad = review.http("POST", f"/orders/{order_no}/goods", json={"lines": [{**CHEAP_GOODS[0], "qty": 0}],
                                                                  "reason": "x"})
    assert bad.status_code == 400 and "lines" in bad.json()["fields"]


def test_a_correction_to_a_listed_phone_holds_the_order_and_after_approval_is_refused(reviewing):
    review = reviewing()
    assert list_entry(review, "phone", "13912345678").status_code == 201
    order_no = review.place(storefront_order(buyer_remark="请改电话"))
    review.order(order_no, status="held")
    answer = review.http("POST", f"/orders/{order_no}/corrections", json={"phone": "139-1234-5678"})
    assert [h["code"] for h in answer.json()["holds"]] == ["BUYER_REMARK", "BLACKLISTED"]
    approved = review.place(storefront_order())
    review.order(approved, status="approved")
    refused = review.http("POST", f"/orders/{approved}/corrections", json={"phone": "13912345678"})
    assert (refused.status_code, refused.json()["error"], list(refused.json()["fields"])) == (
        422, "correction_fails_review", ["phone"])
    fine = review.http("POST", f"/orders/{approved}/corrections", json={"phone": "13912345670"})
    assert fine.status_code == 200, fine.text


def test_an_order_without_a_courier_hashes_as_before_the_field_existed():
    """A repeat of an order received before `courier` existed is the same order, not a conflict."""
    stored = Order().dump(Order().load(storefront_order()["order"]))
    assert stored["courier"] is None
    before = {key: value for key, value in stored.items() if key != "courier"}
    assert _content_hash(stored) == hashlib.sha256(json.dumps(before, sort_keys=True, ensure_ascii=False)
                                                   .encode()).hexdigest()
    assert _content_hash({**stored, "courier": "EMS"}) != _content_hash(stored)
