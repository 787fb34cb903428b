"""In the browser, a reviewer splits an order waiting for stock (拆单, issue #23): the order page's button, the
warehouse ships what is in stock now and the backorder `<order_no>-B1` follows, approved once picking took the
change; an order with nothing in stock is refused in words. Order review and picking & packing on the real broker."""
from services.web_console import texts
from shared.testing.polling import wait_for
from tests.order_review.conftest import CHEAP_GOODS, storefront_order
from tests.web_console.test_floor_pages import api, pick_list

KEYS = ("review.split", "review.split.note", "review.split.button", "review.splits", "review.split.backorder",
        "review.split.pending", "review.split.done", "review.split.refused", "review.split.from", "done.split",
        "review_error.split_cod", "review_error.nothing_in_stock", "review_error.not_waiting",
        "review_error.split_pending", "review_error.backorder_no_too_long")


def test_the_words_in_both_languages():
    for key in KEYS:
        values = {"order_no": "SO-1", "backorder_no": "SO-1-B1"}
        zh, en = texts.translate("zh", key, **values), texts.translate("en", key, **values)
        assert zh and en and zh != en and key not in (zh, en)


def held_out_of_stock(review, order_no):
    answer = api(review, "GET", f"/orders/{order_no}", "reviewer")
    return answer.ok and any(h["code"] == "OUT_OF_STOCK" for h in answer.json()["holds"])


def test_a_reviewer_splits_an_order_waiting_for_stock(start_service, start_console, browser, publish_order):
    review, picking = start_service("order_review"), start_service("picking_packing")
    assert api(picking, "POST", "/stock/receipts", "warehouse",
               json={"lines": [{"sku": "SKU-001", "qty": 1}, {"sku": "SKU-006", "qty": 5}]}).ok
    event = publish_order(event=storefront_order(lines=[dict(line) for line in CHEAP_GOODS]))   # SKU-001 × 2
    order_no = event["order"]["order_no"]
    wait_for(lambda: held_out_of_stock(review, order_no), message="the order never waited for stock")
    nothing = publish_order(event=storefront_order(lines=[{**CHEAP_GOODS[0], "sku": "SKU-404"}]))["order"]["order_no"]
    wait_for(lambda: held_out_of_stock(review, nothing), message="the second order never waited for stock")

    browser.base = start_console(review, picking)
    browser.sign_in("R-7", "reviewer")
    browser.open(f"/review/{nothing}")
    browser.submit("split")
    assert "此单商品都没有货" in browser.text("error")

    browser.open(f"/review/{order_no}")
    browser.submit("split")
    assert "已拆单" in browser.text("ok")
    backorder = f"{order_no}-B1"
    parent = wait_for(lambda: (found := pick_list(picking, order_no)) and found["status"] == "ready" and found,
                      message="the order's goods in stock were never reserved")
    assert sorted((line["sku"], line["qty"]) for line in parent["lines"]) == [("SKU-001", 1), ("SKU-006", 1)]
    later = wait_for(lambda: pick_list(picking, backorder), message="no pick list for the backorder")
    assert (later["status"], [(line["sku"], line["qty"]) for line in later["lines"]]) == (
        "waiting_stock", [("SKU-001", 1)])
    browser.open(f"/review/{order_no}")
    assert "补发单已放行" in browser.text("splits") and backorder in browser.text("splits")
    browser.screenshot("review_order_split")
    browser.open(f"/review/{backorder}")
    assert order_no in browser.text("split-from")
