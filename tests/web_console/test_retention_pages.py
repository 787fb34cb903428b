"""In the browser: a sales rep looks a customer up before claiming (a typo is offered the customer it means,
not a second one), claims, renews (the new expiry in local time) and releases after a confirmation (rules §7,
issue #19); the care team sees whom to call (name and phone) and what about, in Chinese, and completes the
task with its outcome (rules §8)."""
import re
import uuid

import requests

from services.web_console.formatting import local
from shared.testing.bus import publish_event
from shared.testing.polling import wait_for
from shared.timeutil import utcnow
from tests.customer_retention.conftest import order_event


def _pool(retention, rep):
    return requests.get(retention.url("/pool"), headers=retention.headers("sales", rep), timeout=10).json()["pool"]


def test_a_sales_reps_day_lookup_with_a_suggestion_claim_renew_and_release_with_confirmation(
        start_service, start_console, browser, publish_order):
    retention = start_service("customer_retention")
    tag = uuid.uuid4().hex[:4].upper()
    company = f"上海星河{tag}贸易有限公司"
    event = order_event(company=company, name="王芳")
    event["order"]["customer"]["phone"] = "13912345678"
    publish_order(event=event)
    key = "co:" + company.lower()
    wait_for(lambda: requests.get(retention.url("/customers/lookup"), params={"q": company}, timeout=10,
                                  headers=retention.headers("sales", "SA-7")).json()["customers"],
             message="the order's customer never reached customer retention")
    browser.base = start_console(retention)

    browser.sign_in("SA-7", "sales")
    browser.open("/pool")
    typo = company.replace("星河", "星和")
    browser.type("lookup-q", typo)                       # suggestions as the rep types (htmx)
    browser.wait_text("suggestions", company)
    suggestion = browser.text("suggestion-list")
    assert "13912345678" in suggestion and "王芳" in suggestion and "名称相近" in suggestion and "公海" in suggestion
    assert typo in browser.text("claim-new")            # a new customer only if the rep insists
    browser.screenshot("sales_lookup_suggestion")
    browser.submit(f"claim-{key}")
    held, = _pool(retention, "SA-7")
    assert held["customer_key"] == key
    assert browser.text("ok") == f"已认领 {company}，保护至 {local(held['expires_at'])}。"
    assert not re.search(r"\d{4}-\d\d-\d\dT", browser.text("records"))   # times in local time, not UTC ISO

    browser.open(f"/pool?q={tag}")                      # looked up again: now held, nothing to claim
    assert "SA-7 保护中" in browser.text("suggestion-list")
    assert browser.driver.find_elements("id", f"claim-{key}") == []

    browser.submit(f"renew-{key}")
    renewed, = _pool(retention, "SA-7")
    assert browser.text("ok") == f"已续期：{company} 保护至 {local(renewed['expires_at'])}。"
    browser.screenshot("sales_pool_renewed")

    browser.submit(f"release-{key}")                    # asks first
    assert company in browser.text("release-confirmation") and "放回公海" in browser.text("release-confirmation")
    browser.screenshot("sales_pool_release_confirmation")
    browser.submit("cancel-release")
    assert browser.driver.find_elements("id", "release-confirmation") == [] and len(_pool(retention, "SA-7")) == 1
    browser.submit(f"release-{key}")
    browser.submit("confirm-release")
    browser.wait_text("ok", "已放回公海")
    assert key not in browser.text("records") and _pool(retention, "SA-7") == []
    browser.open(f"/pool?q={company}")                  # taken back at once: refused, said in Chinese, local time
    browser.submit(f"claim-{key}")
    refusal = browser.text("error")
    assert refusal.startswith("你刚放回或失去该客户，") and re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d 之后才能再认领", refusal)
    assert browser.csp_violations() == []


def test_the_care_teams_day_a_task_says_whom_to_call_and_what_about(start_service, start_console, browser,
                                                                    publish_order, rabbit_config):
    retention = start_service("customer_retention")
    event = order_event(name="李雷")
    event["order"]["customer"]["phone"] = "13700001111"
    order = publish_order(event=event)["order"]
    publish_event(rabbit_config["AMQP_URI"], "storefront", "review_posted", {
        "review_id": f"RV-{uuid.uuid4().hex[:8]}", "order_no": order["order_no"],
        "customer_id": order["customer"]["customer_id"], "rating": 1, "text": "差评: 发错货", "posted_at": utcnow()})
    queue = lambda: requests.get(retention.url("/care-tasks"), params={"view": "queue"}, timeout=10,  # noqa: E731
                                 headers=retention.headers("care", "CARE-1")).json()["tasks"]
    task, = wait_for(queue, message="no care task for the one-star review")
    browser.base = start_console(retention)

    browser.sign_in("CARE-1", "care")
    browser.open("/care-tasks")
    records = browser.text("records")
    assert "李雷" in records and "13700001111" in records and "中差评处理" in records
    assert f"订单 {order['order_no']} 收到 1 星评价，联系买家核实并回复：差评: 发错货" in records
    assert not re.search(r"negative_review|\bopen\b|\d{4}-\d\d-\d\dT", records)
    browser.screenshot("care_tasks")
    browser.type(f"notes-{task['id']}", "已补发正确商品")
    browser.click(f"complete-{task['id']}")
    browser.wait_text("ok", "任务已完成")
    assert queue() == []
    done, = requests.get(retention.url("/care-tasks"), params={"view": "all", "status": "done"}, timeout=10,
                         headers=retention.headers("manager", "M-1")).json()["tasks"]
    assert (done["outcome"], done["notes"], done["completed_by"]) == ("resolved", "已补发正确商品", "CARE-1")
