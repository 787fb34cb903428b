"""In the browser: a manager reads a staff member's scorecard (red/yellow/green figures), the fines
ledger and every service's dead-letter queue."""
import requests

from services.web_console.formatting import local_today
from shared.config import SERVICES


def test_manager_reads_a_scorecard(start_service, start_console, browser):
    performance = start_service("staff_performance")
    saved = requests.put(performance.url("/staff/S-9"), headers=performance.headers("manager", "M-1"), timeout=10,
                         json={"name": "王芳", "role": "agent", "rank": "regular", "team": "售后一组"})
    assert saved.status_code in (200, 201), saved.text
    fined = requests.post(performance.url("/fines"), timeout=10, json={
        "staff_id": "S-9", "rule": "unexecuted_order", "day": local_today(), "reason": "订单未执行"},
        headers=performance.headers("manager", "M-1", **{"Idempotency-Key": "fine-1"}))
    assert fined.status_code == 201, fined.text
    retention = start_service("customer_retention")
    claimed = requests.post(retention.url("/pool/claims"), json={"company_name": "上海星河贸易有限公司"}, timeout=10,
                            headers=retention.headers("sales", "SA-1", **{"Idempotency-Key": "claim-1"}))
    assert claimed.status_code == 201, claimed.text
    browser.base = start_console(performance, retention)

    browser.sign_in("M-1", "manager")
    browser.open("/scorecards")
    browser.click("staff-S-9")
    card = browser.text("scorecard")
    assert "王芳" in card and "售后一组" in card
    colours = set(browser.values("#figures tr", "class"))
    assert {"sla-green", "sla-red"} <= colours   # an unpaid fine shows red beside the green figures
    browser.screenshot("manager_scorecard")

    browser.open("/fines")
    ledger = browser.text("records")
    assert "S-9" in ledger and "订单未执行" in ledger
    browser.screenshot("manager_fines")

    browser.open("/pool")
    pool = browser.text("records")
    assert "SA-1" in pool and "剩余天数" in pool   # whose protection, and how many days it has left
    browser.screenshot("manager_pool")
    browser.open("/care-tasks")
    assert browser.find("records") and not browser.driver.find_elements("id", "error")
    browser.screenshot("manager_care_tasks")

    browser.open("/dead-letters")
    headings = browser.values("section.card[id^='letters-'] h2", "text")
    assert len(headings) == len(SERVICES) and all(h.endswith("0") for h in headings)
    browser.screenshot("manager_dead_letters")
