"""Orders from the storefront, reviewed by the rules on a real broker and database
(business-rules §2, issue #3 "Automatic review")."""
import uuid

import pytest

from services.order_review.models import ReviewOrder

from tests.order_review.conftest import cod_order, storefront_order


def test_a_clean_order_is_approved_automatically_with_what_the_warehouse_needs(reviewing):
    """§2: every order reviewed; nothing doubtful => straight to the warehouse, reviewer 'auto'."""
    review = reviewing()
    event = storefront_order()
    order_no = review.place(event)
    record = review.order(order_no, status="approved")
    assert review.open_hold_codes(order_no) == []
    [approved] = review.events("order_approved", order_no)
    order = event["order"]
    assert approved["reviewer"] == "auto"
    assert approved["customer_id"] == order["customer"]["customer_id"]
    assert approved["lines"] == order["lines"]
    assert approved["shipping_address"] == order["shipping_address"]
    assert (approved["payment_method"], approved["cod_amount"]) == ("prepaid", "0.00")
    assert approved["total"] == order["total"]
    assert approved["seconds_to_decision"] >= 0
    assert record.decided_at is not None
    assert review.events("order_held") == []


def priced(price, method="prepaid"):
    """An order of one line at `price`, no shipping fee, paid in full unless COD."""
    line = {"sku": "SKU-004", "name": "陶瓷茶具套装", "qty": 1, "unit_price": price, "unit_weight_g": 2300}
    paid = "0.00" if method == "cod" else price
    return storefront_order(lines=[line], payment={"method": method, "paid_amount": paid})


RULE_CASES = [
    # (rule fires?, the order, expected open hold codes)
    ("remark", lambda: storefront_order(buyer_remark="地址改为公司地址"), ["BUYER_REMARK"]),
    ("blank remark", lambda: storefront_order(buyer_remark="  "), []),
    ("malformed mobile", lambda: storefront_order(shipping_address={"phone": "12812345678"}), ["BAD_PHONE"]),
    ("too short", lambda: storefront_order(shipping_address={"phone": "138-1234"}), ["BAD_PHONE"]),
    ("landline with area code", lambda: storefront_order(shipping_address={"phone": "025-83201234"}), []),
    ("no district", lambda: storefront_order(shipping_address={"district": ""}), ["INCOMPLETE_ADDRESS"]),
    ("street line '1'", lambda: storefront_order(shipping_address={"line1": "1"}), ["INCOMPLETE_ADDRESS"]),
    ("autonomous region", lambda: storefront_order(shipping_address={
        "province": "新疆维吾尔自治区", "city": "乌鲁木齐市", "district": "天山区"}), []),
    ("total off", lambda: storefront_order(total="1.00", payment={"paid_amount": "1.00"}), ["AMOUNT_MISMATCH"]),
    ("prepaid short", lambda: storefront_order(payment={"paid_amount": "0.01"}), ["AMOUNT_MISMATCH"]),
    ("COD pays nothing up front", lambda: cod_order(), []),
    ("COD over the limit", lambda: priced("501.00", "cod"), ["COD_RISK"]),
    ("COD at the limit", lambda: priced("500.00", "cod"), []),
    ("prepaid over the limit", lambda: priced("900.00"), []),
    ("several at once", lambda: cod_order(buyer_remark="送人的", shipping_address={"phone": "0000"},
                                          total="9999.00"),
     ["AMOUNT_MISMATCH", "BAD_PHONE", "BUYER_REMARK", "COD_RISK"]),
]


@pytest.mark.parametrize("make_event, codes", [case[1:] for case in RULE_CASES], ids=[c[0] for c in RULE_CASES])
def test_each_rule_fires_and_does_not_fire_on_storefront_orders(reviewing, make_event, codes):
    """§2 and issue #3: BUYER_REMARK, BAD_PHONE, INCOMPLETE_ADDRESS, AMOUNT_MISMATCH, COD_RISK
    (COD centre, 000 art. 6); each firing rule is one hold with a sentence for the reviewer."""
    review = reviewing()
    order_no = review.place(make_event())
    record = review.order(order_no, status="held" if codes else "approved")
    assert review.open_hold_codes(order_no) == codes
    if codes:
        [held] = review.events("order_held", order_no)
        assert sorted(h["code"] for h in held["holds"]) == codes
        assert all(h["message"] for h in held["holds"])
        assert review.events("order_approved") == []
        assert record.decided_at is None


def test_the_cod_limit_is_configuration(reviewing):
    """Issue #3: thresholds are configuration, not code."""
    review = reviewing(COD_RISK_AMOUNT="100.00")
    order_no = review.place(priced("150.00", "cod"))
    review.order(order_no, status="held")
    assert review.open_hold_codes(order_no) == ["COD_RISK"]
    assert "100.00" in review.events("order_held", order_no)[0]["holds"][0]["message"]


def test_same_customer_same_goods_inside_the_window_is_a_possible_duplicate(reviewing):
    """Issue #3 POSSIBLE_DUPLICATE: the second order names the first; other goods or another
    customer or outside the window do not fire."""
    review = reviewing(DUPLICATE_WINDOW_HOURS=2)
    first = storefront_order(placed_at="2026-11-20T08:00:00Z")
    order = first["order"]
    same = dict(customer=order["customer"], lines=list(reversed(order["lines"])), total=order["total"],
                shipping_fee=order["shipping_fee"], payment=order["payment"])
    again = storefront_order(placed_at="2026-11-20T09:30:00Z", **same)
    later = storefront_order(placed_at="2026-11-20T10:30:00Z", **same)
    other_customer = storefront_order(placed_at="2026-11-20T08:10:00Z",
                                      **{**same, "customer": {"customer_id": "C-other"}})
    other_goods = storefront_order(placed_at="2026-11-20T08:20:00Z", customer=order["customer"],
                                   lines=[{**order["lines"][0], "qty": 5}])
    for event, status in ((first, "approved"), (again, "held"), (later, "held"), (other_customer, "approved"),
                          (other_goods, "approved")):
        review.order(review.place(event), status=status)   # one after the other: arrival order matters
    assert review.open_hold_codes(again["order"]["order_no"]) == ["POSSIBLE_DUPLICATE"]
    assert order["order_no"] in review.events("order_held", again["order"]["order_no"])[0]["holds"][0]["message"]
    # 10:30 is 2.5 h after the first but 1 h after the second: within the window of the second.
    [held_later] = review.events("order_held", later["order"]["order_no"])
    assert again["order"]["order_no"] in held_later["holds"][0]["message"]
    assert order["order_no"] not in held_later["holds"][0]["message"]


def test_the_same_order_no_twice_is_one_order(reviewing):
    """Issue #3: the same order_no with another event_id and the same content changes nothing."""
    review = reviewing()
    event = storefront_order()
    order_no = review.place(event)
    review.order(order_no, status="approved")
    review.place({**event, "event_id": str(uuid.uuid4())})
    review.wait_consumed("on_order_placed", 2)
    assert len(review.events("order_approved", order_no)) == 1
    assert review.open_hold_codes(order_no) == []


def test_the_same_order_no_with_other_content_is_held_saying_so(reviewing):
    """Issue #3: a second `order_placed` for one order_no that differs gets CONFLICTING_ORDER."""
    review = reviewing()
    event = storefront_order(buyer_remark="请周末送货")
    order_no = review.place(event)
    review.order(order_no, status="held")
    changed = {**event, "event_id": str(uuid.uuid4()),
               "order": {**event["order"], "shipping_address": {**event["order"]["shipping_address"],
                                                                "line1": "长江路 8 号"}}}
    review.place(changed)
    review.wait_consumed("on_order_placed", 2)
    assert review.open_hold_codes(order_no) == ["BUYER_REMARK", "CONFLICTING_ORDER"]
    held = review.events("order_held", order_no)
    assert [h["code"] for h in held[-1]["holds"]] == ["BUYER_REMARK", "CONFLICTING_ORDER"]
    assert "shipping_address" in held[-1]["holds"][1]["message"]
    with review.service.db.read() as session:   # the first version stands until a reviewer decides
        assert session.get(ReviewOrder, order_no).order["shipping_address"] == event["order"]["shipping_address"]


def test_an_exchange_replacement_is_reviewed_like_a_new_order(reviewing):
    """after_sales `replacement_ordered`: reviewed by the same rules; repeating the original's
    goods is not a POSSIBLE_DUPLICATE of the original; order_approved names the original."""
    review = reviewing()
    original = storefront_order()
    original_no = review.place(original)
    review.order(original_no, status="approved")
    replacement = {**original["order"], "order_no": original_no + "-X1", "replacement_of": original_no}
    review.order(review.replace(replacement), status="approved")
    [approved] = review.events("order_approved", replacement["order_no"])
    assert (approved["replacement_of"], approved["reviewer"]) == (original_no, "auto")


def test_a_replacement_with_a_bad_phone_is_held(reviewing):
    review = reviewing()
    order = storefront_order(shipping_address={"phone": "1234567"}, replacement_of="SO-1")["order"]
    review.order(review.replace(order), status="held")
    assert review.open_hold_codes(order["order_no"]) == ["BAD_PHONE"]


def test_an_approved_cod_order_tells_the_courier_what_to_collect(reviewing):
    """§4: a COD parcel's waybill carries the amount to collect; order_approved carries it."""
    review = reviewing()
    event = cod_order()
    order_no = review.place(event)
    review.order(order_no, status="approved")
    [approved] = review.events("order_approved", order_no)
    assert (approved["payment_method"], approved["cod_amount"]) == ("cod", event["order"]["total"])


def test_two_same_goods_orders_arriving_together_are_one_duplicate(reviewing):
    """The customer's orders are reviewed one after the other (a locked row per customer), so two
    identical orders published at once cannot both pass as firsts."""
    review = reviewing()
    first = storefront_order()
    order = first["order"]
    twin = storefront_order(customer=order["customer"], lines=order["lines"])
    order_nos = [review.place(first), review.place(twin)]
    review.wait_consumed("on_order_placed", 2)
    statuses = sorted(review.order(no).status for no in order_nos)
    assert statuses == ["approved", "held"]
    assert [review.open_hold_codes(no) for no in order_nos].count(["POSSIBLE_DUPLICATE"]) == 1
