"""In the browser: a sales rep claims a company into the protection pool, renews and releases it
(rules §7); the care team completes a care task with its outcome (rules §8)."""
import uuid

import requests

from shared.testing.bus import publish_event
from shared.testing.polling import wait_for
from shared.timeutil import utcnow
from tests.customer_retention.conftest import order_event


def test_rule7_a_rep_claims_renews_and_releases_a_customer(start_service, start_console, browser):
    retention = start_service("customer_retention")
    browser.base = start_console(retention)
    company = f"上海{uuid.uuid4().hex[:6]}贸易有限公司"

    browser.sign_in("SA-7", "sales")
    browser.open("/pool")
    browser.click("claim")   # neither a name nor a key: refused, said on the page
    assert browser.find("error").text
    pool = lambda: requests.get(retention.url("/pool"), headers=retention.headers("sales", "SA-7"),  # noqa: E731
                                timeout=10).json()["pool"]
    assert pool() == []      # refused: nothing claimed
    browser.type("claim-company", company)
    browser.click("claim")
    browser.wait_text("ok", "已认领")
    row = browser.text("records")
    assert "SA-7" in row and "剩余天数" in row
    key = pool()[0]["customer_key"]
    browser.screenshot("sales_pool")

    browser.click(f"renew-{key}")
    browser.wait_text("ok", "已续期")
    browser.click(f"release-{key}")
    browser.wait_text("ok", "已放回公海")
    assert key not in browser.text("records")


def test_rule8_the_care_team_completes_a_negative_review_task(start_service, start_console, browser, publish_order,
                                                             rabbit_config):
    retention = start_service("customer_retention")
    order = publish_order(event=order_event())["order"]
    publish_event(rabbit_config["AMQP_URI"], "storefront", "review_posted", {
        "review_id": f"RV-{uuid.uuid4().hex[:8]}", "order_no": order["order_no"],
        "customer_id": order["customer"]["customer_id"], "rating": 1, "text": "差评: 发错货", "posted_at": utcnow()})
    queue = lambda: requests.get(retention.url("/care-tasks"), params={"view": "queue"}, timeout=10,  # noqa: E731
                                 headers=retention.headers("care", "CARE-1")).json()["tasks"]
    task, = wait_for(queue, message="no care task for the one-star review")
    browser.base = start_console(retention)

    browser.sign_in("CARE-1", "care")
    browser.open("/care-tasks")
    assert order["order_no"] in browser.text("records")
    browser.screenshot("care_tasks")
    browser.type(f"notes-{task['id']}", "已补发正确商品")
    browser.click(f"complete-{task['id']}")
    browser.wait_text("ok", "任务已完成")
    assert queue() == []
    done, = requests.get(retention.url("/care-tasks"), params={"view": "all", "status": "done"}, timeout=10,
                         headers=retention.headers("manager", "M-1")).json()["tasks"]
    assert (done["outcome"], done["notes"], done["completed_by"]) == ("resolved", "已补发正确商品", "CARE-1")
