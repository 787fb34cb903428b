"""In the browser, issue #23's policy pages, in Chinese: a supervisor keeps the blacklist (a bad value refused
in words, an order naming a listed phone held and worded, taking it off with a reason, the audit); a reviewer
approves a buyer's courier that can't serve the parcel with another one, and changes a held order's goods."""
import requests
from selenium.webdriver.support.ui import Select

from shared.testing.polling import wait_for
from tests.order_review.conftest import cod_order, storefront_order
from tests.web_console.test_review_pages import english_words, review  # noqa: F401  (the fixture)

NEAR = {"province": "浙江省", "city": "杭州市"}


def held(review, order_no):
    def found():
        answer = requests.get(review.url(f"/orders/{order_no}"), headers=review.headers("reviewer", "T-1"), timeout=10)
        return answer.status_code == 200 and answer.json()["status"] == "held" and answer.json()
    return wait_for(found, message=f"{order_no} was never held")


def test_a_supervisor_keeps_the_blacklist_and_a_listed_phone_holds_its_order(review, publish_order, start_console,
                                                                            browser):
    browser.base = start_console(review)
    browser.sign_in("SUP-3", "supervisor")
    browser.open("/blacklist")
    assert "名单为空" in browser.text("entries")
    browser.type("value", "123")
    browser.type("reason", "拒收三次")
    browser.submit("add")
    assert browser.wait_text("error", "无法列入") == "无法列入：不是有效的手机号或带区号的固定电话"
    browser.type("value", "138 1234 5678")
    browser.type("reason", "拒收三次")
    browser.submit("add")
    entries = browser.wait_text("entries", "138 1234 5678")
    assert "拒收三次" in entries and "SUP-3" in entries and english_words(entries) == []
    browser.screenshot("review23_blacklist")

    order_no = publish_order(event=storefront_order(shipping_address={"phone": "+86 13812345678"}))["order"]["order_no"]
    held(review, order_no)
    browser.sign_in("R-7", "reviewer")
    browser.open(f"/review/{order_no}")
    assert browser.text("hold-BLACKLISTED").startswith("黑名单 — 订单命中黑名单：电话“138 1234 5678”（SUP-3 列入，原因：拒收三次）")

    browser.sign_in("SUP-3", "supervisor")
    browser.open("/blacklist")
    [entry_id] = [value.split("-")[-1] for value in browser.values("#entries tr[id^=entry-]")]
    browser.type(f"unlist-reason-{entry_id}", "顾客已核实")
    browser.submit(f"unlist-{entry_id}")
    assert "名单为空" in browser.wait_text("entries", "名单为空")
    audit = browser.text("audit")
    assert "SUP-3 移出 电话 138 1234 5678 顾客已核实" in audit and "SUP-3 列入 电话 138 1234 5678 拒收三次" in audit
    assert english_words(audit) == []


def test_a_reviewer_ships_with_another_courier_and_changes_the_goods(review, publish_order, start_console, browser):
    order_no = publish_order(event=cod_order(courier="ZTO", shipping_address=NEAR,
                                             buyer_remark="保温杯要 3 个"))["order"]["order_no"]
    held(review, order_no)
    browser.base = start_console(review)
    browser.sign_in("R-8", "reviewer")
    browser.open(f"/review/{order_no}")
    assert "买家指定中通快递，但它不能承运此包裹：不代收货款" in browser.text("hold-COURIER_NOT_SERVED")
    assert browser.text("chosen-courier") == "指定快递：中通快递"

    browser.driver.execute_script("document.getElementById('goods').open = true")
    browser.type("goods-0-qty", "3")
    browser.type("goods-reason", "买家留言要 3 个")
    browser.submit("change-goods")
    changes = browser.wait_text("goods-changes", "买家留言要 3 个")
    assert "SKU-001 × 2" in changes and "SKU-001 × 3" in changes and "R-8" in changes
    assert "金额不符" in browser.text("holds")   # a third cup costs more than was paid

    Select(browser.find("approve-courier")).select_by_value("EMS")
    browser.type("approve-reason", "买家同意补差价，改用 EMS 代收")
    browser.submit("approve")
    assert "已放行" in browser.wait_text("order-status", "已放行")
    history = browser.text("history")
    assert "R-8 更正快递：中通快递 → 中国邮政 EMS" in history
    assert "R-8 修改商品：SKU-001 × 2、SKU-006 × 1 → SKU-001 × 3、SKU-006 × 1，理由：买家留言要 3 个" in history
    assert english_words(history) == []
    browser.screenshot("review23_courier_and_goods")
