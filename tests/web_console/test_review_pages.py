"""In the browser, a reviewer's day (issue #19): the queue refreshes itself, a hold reason reads in Chinese
from its code and parameters, correcting an address clears its hold by itself, approving another order over
a hold takes a reason, and the order's history shows who did what, when (Asia/Shanghai) and why."""
import re

import pytest
import requests

from shared.testing.bus import publish_event
from shared.testing.polling import wait_for
from shared.timeutil import utcnow
from tests.order_review.conftest import storefront_order


@pytest.fixture
def review(start_service):
    return start_service("order_review")


def held(review, order_no):
    orders = requests.get(review.url("/queue"), headers=review.headers("reviewer", "T-1"), timeout=10).json()["orders"]
    return next((o for o in orders if o["order_no"] == order_no), None)


def place(publish_order, review, **changes):
    order_no = publish_order(event=storefront_order(**changes))["order"]["order_no"]
    wait_for(lambda: held(review, order_no), message=f"{order_no} was never held")
    return order_no


def english_words(text):
    """Words of Latin letters a Chinese page should not show (order numbers, SKUs and staff ids aside)."""
    return [w for w in re.findall(r"[A-Za-z]{3,}", text) if not re.fullmatch(r"SO|SKU|[A-Z]+", w)]


def test_a_reviewers_day_queue_claim_correct_approve_with_a_reason_history(review, publish_order, start_console,
                                                                            browser):
    address_order = place(publish_order, review, shipping_address={"district": "", "line1": ""})
    remark_order = place(publish_order, review, buyer_remark="请周末送货")
    browser.base = start_console(review, refresh_seconds=1)
    browser.sign_in("R-5", "reviewer")

    browser.open("/review")
    assert remark_order in browser.wait_text("review-rows", address_order)
    later = place(publish_order, review, buyer_remark="发票抬头写公司")   # arrives while the page is open
    browser.wait_text("review-rows", later)   # the queue refreshed itself
    browser.screenshot("review19_queue")

    # One look-up and click in the page itself: the rows are swapped every second.
    browser.driver.execute_script("document.getElementById(arguments[0]).click()", f"claim-{address_order}")
    assert "R-5" in browser.wait_text("claim-state", "R-5")
    assert browser.text("hold-INCOMPLETE_ADDRESS").startswith("地址不全 — 缺少：区/县、详细地址")
    assert english_words(browser.text("holds")) == []
    browser.screenshot("review19_order_incomplete")
    browser.type("address-district", "浦东新区")
    browser.type("address-line1", "世纪大道 100 号")
    browser.submit("correct")
    assert "已放行" in browser.wait_text("order-status", "已放行")   # nothing left to hold it
    history = browser.text("history")
    assert "“地址不全”已随 R-5 的更正自动解除" in history and "R-5 更正区/县：（空） → 浦东新区" in history
    assert english_words(history) == []
    browser.driver.execute_script("document.getElementById('history').scrollIntoView()")
    browser.screenshot("review19_corrected_released_itself")

    browser.open(f"/review/{remark_order}")
    browser.click("claim")
    browser.wait_text("claim-state", "R-5")
    assert "请周末送货" in browser.text("hold-BUYER_REMARK")
    assert browser.find("approve-reason").get_attribute("required") is not None   # the browser asks first
    browser.type("approve-reason", "已电话确认周末有人收货")
    browser.screenshot("review19_approve_with_reason")
    browser.submit("approve")
    assert "已放行" in browser.wait_text("order-status", "已放行")
    history = browser.text("history")
    assert "R-5 放行，理由：已电话确认周末有人收货" in history and "R-5 放行时解除“买家留言”" in history
    assert re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", history) and "Z" not in history   # local times
    assert english_words(history) == []
    browser.driver.execute_script("document.getElementById('history').scrollIntoView()")
    browser.screenshot("review19_history")

    browser.open("/review")
    rows = browser.wait_text("review-rows", later)
    assert address_order not in rows and remark_order not in rows


def test_an_approval_over_holds_without_a_reason_is_refused_in_chinese(review, publish_order, start_console, browser):
    """The console's own form asks for a reason; a request without one (another tab, a stale form) is
    refused by the service and the page says why in the reader's words."""
    order_no = place(publish_order, review, buyer_remark="请周末送货")
    browser.base = start_console(review)
    browser.sign_in("R-6", "reviewer")
    browser.open(f"/review/{order_no}")
    browser.driver.execute_script("document.getElementById('approve-reason').removeAttribute('required')")
    browser.submit("approve")
    assert browser.wait_text("error", "放行须填写理由").startswith("此单仍有挂起原因（买家留言）")
    assert browser.text("order-status") == "挂起"
    browser.screenshot("review19_reason_required")


def test_after_the_hand_over_the_correction_form_is_closed_with_the_reason(review, publish_order, rabbit_config,
                                                                         start_console, browser):
    order_no = publish_order(event=storefront_order())["order"]["order_no"]
    wait_for(lambda: requests.get(review.url(f"/orders/{order_no}"), headers=review.headers("reviewer", "T-1"),
                                  timeout=10).status_code == 200, message="the order never arrived")
    publish_event(rabbit_config["AMQP_URI"], "shipping_labels", "order_shipped", {
        "order_no": order_no, "tracking_no": "EE123456785CN", "carrier": "EMS", "shipper": "S-1",
        "shipped_at": utcnow()})
    wait_for(lambda: requests.get(review.url(f"/orders/{order_no}"), headers=review.headers("reviewer", "T-1"),
                                  timeout=10).json()["handed_over_at"], message="the hand-over was never heard")
    browser.base = start_console(review)
    browser.sign_in("R-5", "reviewer")
    browser.open(f"/review/{order_no}")
    assert "交接快递：不能再更正" in browser.text("too-late")
    assert browser.find("address-line1").get_attribute("disabled") is not None
    assert browser.values("#correct") == []
    assert "已交接快递" in browser.text("history")
    browser.screenshot("review19_handed_over")
