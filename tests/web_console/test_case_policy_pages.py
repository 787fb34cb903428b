"""In the browser (issue 23): a supervisor puts an agent on duty; a return opened for the agent on duty goes to
them, its page shows the return window and the deadlines with their colours, and the agent on duty (not its
opener) approves it within the window; a missed deadline shows the case escalated in the supervisors' queue
until a supervisor acts on it."""
from urllib.parse import urlparse

import pytest
from selenium.webdriver.support.ui import WebDriverWait

from services.after_sales import lookups, sla_watch
from services.after_sales.settings import Settings
from tests.after_sales.conftest import Desk


@pytest.fixture
def after_sales(start_service, rabbit_config, publish_order):
    return Desk(start_service("after_sales"), rabbit_config["AMQP_URI"], publish_order)


def test_roster_auto_assignment_deadlines_and_escalation(after_sales, start_console, browser):
    order_no = after_sales.place()
    after_sales.deliver(order_no)
    browser.base = start_console(after_sales.service)

    browser.sign_in("SUP-1", "supervisor")
    browser.open("/cases/roster")
    assert "无人值班" in browser.text("roster-next")
    browser.type("roster-staff-id", "A-5")
    browser.submit("do-roster-put")
    assert "A-5" in browser.text("duty-A-5") and "A-5" in browser.text("roster-next")

    browser.sign_in("A-7", "agent")
    browser.open(f"/cases/new?order_no={order_no}")
    browser.find("case_type").send_keys("退货退款")
    browser.type("line_qty_0", "1")
    WebDriverWait(browser.driver, 10).until(lambda _: browser.values("#amount", "value") == ["59.00"])
    browser.click("for-duty-agent")
    browser.submit("open-case")
    assert browser.text("assignee") == "A-5"
    case_id = int(urlparse(browser.driver.current_url).path.rsplit("/", 1)[1])
    assert "7 天" in browser.text("return-window") and "主管" not in browser.text("return-window")
    assert browser.text("deadline-update").startswith("绿") and browser.text("deadline-resolution").startswith("绿")
    assert browser.driver.find_elements("id", "do-approve") == []     # the opener never approves
    browser.screenshot("case_policy_deadlines")

    with after_sales.service.db.unit_of_work() as uow:   # the timer at the first answer's deadline
        sla_watch.record_breaches(uow, lookups.get_case(uow.session, case_id)[0].sla_deadline, Settings())
    browser.sign_in("SUP-1", "supervisor")
    browser.open("/cases?escalated=1&open=1")
    assert "已升级" in browser.row(f"#case-rows tr[data-case='{case_id}']")[1]
    browser.open(f"/cases/{case_id}")
    assert "首次答复超时" in browser.text("escalated-note")
    browser.type("note-text", "主管已跟进")
    browser.submit("do-note")
    assert "SUP-1" in browser.text("escalation")
    assert browser.driver.find_elements("id", "escalated-note") == []

    browser.sign_in("A-5", "agent")
    browser.open(f"/cases/{case_id}")
    browser.submit("do-approve")
    assert "待退货" in browser.wait_text("case-status", "待退货")
    assert after_sales.case(case_id)["history"][-1]["actor"] == "A-5"
