"""In the browser (issue #23): a supervisor asks the platform to refund; the case page shows it waiting, then
overdue (and the queue lists it among the platform's overdue ones), then the platform's refusal with its reason;
asked again, the platform's refund number once it executed. A case the buyer applied for on the platform says so.
In Chinese, and the platform's block in English too."""
from datetime import datetime, timedelta

import pytest

from services.after_sales import platform_refunds
from shared.testing.bus import publish_event
from shared.testing.polling import wait_for
from shared.timeutil import utcnow
from tests.after_sales.conftest import Desk


@pytest.fixture
def after_sales(start_service, rabbit_config, publish_order):
    return Desk(start_service("after_sales"), rabbit_config["AMQP_URI"], publish_order)


def test_the_platforms_refund_waiting_overdue_refused_and_executed_on_the_case_page(after_sales, start_console,
                                                                                   browser):
    order_no = after_sales.place()
    case_id = after_sales.open(order_no, amount="59.00")["id"]
    after_sales.act(case_id, "approve")
    browser.base = start_console(after_sales.service)

    browser.sign_in("SUP-1", "supervisor")
    browser.open(f"/cases/{case_id}")
    browser.click("do-refund")
    assert "待平台退款" in browser.wait_text("case-status", "待平台退款")
    assert "等待平台执行" in browser.text("platform-state") and "SUP-1" in browser.text("platform-requested")
    assert "等待平台确认" in browser.text("platform-waiting")
    assert "do-refund" not in browser.values("#actions button")   # not again while the platform may answer
    browser.screenshot("after_sales_waiting_for_the_platform")

    requested_at = datetime.fromisoformat(after_sales.case(case_id)["platform"]["requested_at"])
    with after_sales.service.db.unit_of_work() as uow:
        platform_refunds.flag_unanswered(uow, requested_at + timedelta(minutes=120), 120)
    browser.open("/cases?f=1&platform=timed_out")
    _, row = browser.row(f"#case-rows tr[data-case='{case_id}']")
    assert "待平台退款" in row and "平台超时" in row
    browser.open(f"/cases/{case_id}")
    assert "平台超时" in browser.text("platform-state") and "再次提交" in browser.text("platform-timed-out")
    assert "平台未按时答复" in browser.text("history")
    browser.screenshot("after_sales_platform_overdue")

    browser.click("do-refund")   # asked again
    assert "提交次数 2" in browser.wait_text("platform-requested", "提交次数 2")
    after_sales.platform_answers(case_id, "refund_refused", code="buyer_in_dispute", text="买家已申请小二介入")
    after_sales.wait_case(case_id, "approved")
    browser.open(f"/cases/{case_id}")
    assert "平台拒绝" in browser.text("platform-state")
    assert "buyer_in_dispute 买家已申请小二介入" in browser.text("platform-refusal")
    assert "买家已申请小二介入" in browser.text("platform-refused") and "do-refund" in browser.values("#actions button")
    browser.click("lang-en")
    assert "Refused by the platform" in browser.wait_text("platform-state", "Refused by the platform")
    assert "Talk with the buyer" in browser.text("platform-refused")
    browser.click("lang-zh")
    browser.open(f"/cases/{case_id}")

    browser.click("do-refund")
    # The platform answers a request it had: once the console's request is in (it raced the click before).
    assert "提交次数 3" in browser.wait_text("platform-requested", "提交次数 3")
    after_sales.platform_answers(case_id, "refund_executed", amount="59.00", platform_refund_id="TB-RF-777")
    after_sales.wait_case(case_id, "refunded")
    browser.open(f"/cases/{case_id}")
    assert "已退款" in browser.text("case-status") and browser.text("platform-refund-id") == "TB-RF-777"
    assert "平台退款单号 TB-RF-777" in browser.text("history")


def test_a_case_the_buyer_applied_for_on_the_platform_says_so(after_sales, start_console, browser):
    order_no = after_sales.place()
    publish_event(after_sales.amqp_uri, "storefront", "refund_requested", {
        "platform_request_id": "TB-APPLY-9", "order_no": order_no, "kind": "refund_only", "reason": "damaged",
        "reason_text": "杯子裂了", "amount": "59.00", "lines": [{"sku": "SKU-001", "qty": 1}],
        "requested_at": utcnow()})
    case, = wait_for(lambda: after_sales.call("GET", "/cases", params={"order_no": order_no}).json()["cases"])
    browser.base = start_console(after_sales.service)
    browser.sign_in("SUP-1", "supervisor")
    browser.open(f"/cases/{case['id']}")
    assert browser.text("opened-by") == "买家在平台申请 · 平台退款申请号 TB-APPLY-9"
    assert "客服队列" in browser.text("assignee") and "do-approve" in browser.values("#actions button")
    assert "平台 (买家)" in browser.text("history")
