"""In the browser: a manager's statistics page (issue 19): the reviewers' day, a carrier's manifest and the
repeat-purchase cohorts on screen, as a chart and as CSV and XLSX downloads; a supervisor, who may not read
cohorts, sees why in that section while the rest of the page works."""
import requests

from shared.testing.polling import wait_for
from tests.customer_retention.conftest import order_event, uid
from tests.customer_retention.test_rfm import known_purchases
from tests.web_console.test_manager_day import csv_rows, fetch, svg_texts, xlsx_rows


def test_statistics_on_screen_as_a_chart_and_downloaded(start_service, start_console, browser, publish_order):
    review, retention = start_service("order_review"), start_service("customer_retention")
    shipping = start_service("shipping_labels")
    buyers = {key: uid("C") for key in "ABCDE"}
    for purchase in known_purchases():
        publish_order(event=order_event(customer_id=buyers[purchase.customer_key], total=f"{purchase.net:.2f}",
                                        placed_at=purchase.placed_at))

    def cohorts():
        answer = requests.get(retention.url("/analytics/cohorts"), headers=retention.headers("manager"), timeout=10)
        return {c["cohort"]: c for c in answer.json()["cohorts"]}
    wait_for(lambda: sum(c["size"] for c in cohorts().values()) == 5, message="not every buyer arrived")
    def reviewed():   # some wait for a reviewer (duplicates of one buyer): the others were decided at once
        return requests.get(review.url("/stats/daily"), headers=review.headers("manager"), timeout=10).json()
    stats = wait_for(lambda: reviewed()["orders_reviewed"] and reviewed(), message="no order reviewed")
    browser.base = start_console(review, retention, shipping)
    browser.sign_in("M-1", "manager")
    browser.csp_violations()

    browser.open("/statistics")
    assert f"共审 {stats['orders_reviewed']} 单" in browser.text("reviewers-summary")
    assert "系统自动" in browser.text("reviewer-stats")
    reviewers = csv_rows(fetch(browser, "reviewers-csv"))
    assert reviewers[0][:4] == ["审单员", "审单数", "通过", "驳回"]
    assert sum(int(row[1]) for row in reviewers[1:]) == stats["orders_reviewed"]
    assert xlsx_rows(fetch(browser, "reviewers-xlsx"))[0] == reviewers[0]

    manifest = csv_rows(fetch(browser, "manifest-csv"))
    assert manifest == [["订单号", "运单号", "重量（克）", "运费", "交接时间", "发货员"]]   # nothing handed over today
    assert xlsx_rows(fetch(browser, "manifest-xlsx")) == [manifest[0]]

    # Cohorts: of January's two new customers, all ordered in February, half in March and in June.
    labels = svg_texts(browser, "#cohort-chart svg text")
    assert "2026-01（2 人）" in labels and "第1月" in labels and "50.0%" in labels
    assert "2026-01" in browser.text("cohort-table")
    browser.screenshot("manager_statistics")
    rows = csv_rows(fetch(browser, "cohorts-csv"))
    assert rows[0] == ["首单月份", "客户数", "第几月", "下单客户", "复购率（%）"]
    assert [row for row in rows if row[0] == "2026-01"] == [
        ["2026-01", "2", str(m), str(n), pct] for m, n, pct in
        ((0, 2, "100.0"), (1, 2, "100.0"), (2, 1, "50.0"), (3, 0, "0.0"), (4, 0, "0.0"), (5, 1, "50.0"))]
    sheet = xlsx_rows(fetch(browser, "cohorts-xlsx"))
    assert sheet[0] == rows[0] and ["2026-01", 2, 2, 1, 50.0] in sheet
    assert browser.csp_violations() == []

    browser.sign_in("SUP-1", "supervisor")
    browser.open("/statistics")
    assert browser.find("reviewer-stats") and browser.driver.find_elements("css selector", "#cohorts .flash.error")
    assert not browser.driver.find_elements("id", "cohort-chart")
