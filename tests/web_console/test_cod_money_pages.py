"""In the browser (issue 18 items 5, 6): a supervisor imports the courier's remittance statement, a real
XLSX file, and sees what is owed with its age in colour and what does not match; a bad CSV is refused with
its rows; the monthly statistics download as XLSX. An agent finds the stuck-parcel task in the queue,
yellow, and closes it."""
from datetime import timedelta
from io import BytesIO

import pytest
import requests
from openpyxl import load_workbook

from services.shipping_labels import s10
from shared.testing.bus import publish_event
from shared.testing.polling import wait_for
from shared.timeutil import business_day, utcnow
from tests.after_sales.conftest import Desk
from tests.shipping_labels.statements import Courier, csv_bytes, xlsx
from tests.web_console.english import english_in


@pytest.fixture
def courier(start_service, rabbit_config):
    return Courier(start_service("shipping_labels"), rabbit_config["AMQP_URI"])


def test_a_supervisor_imports_a_statement_and_sees_the_mismatches(courier, start_console, browser, tmp_path):
    today = business_day(utcnow())
    short, _ = courier.delivered("120.00", days_ago=10)
    missing, _ = courier.delivered("60.00", days_ago=20)
    unknown = s10.compose("EE", 12121212)
    statement = tmp_path / "EMS回款明细.xlsx"
    statement.write_bytes(xlsx([(short, 100, today), (unknown, 5, today)]))
    browser.base = start_console(courier.service)

    browser.sign_in("SH-1", "shipper")
    assert "回款核对" not in browser.values("header nav a", "text")
    browser.open("/remittances")
    assert "无权" in browser.driver.page_source

    browser.sign_in("SUP-1", "supervisor")
    assert "回款核对" in browser.values("header nav a", "text")
    browser.open("/remittances")
    browser.find("statement-file").send_keys(str(statement))
    browser.submit("import-submit")
    assert "已导入对账单" in browser.text("imported") and "少回款 1" in browser.text("imported")
    colour, row = browser.row(f"#owed tr[data-tracking='{short}']")
    assert colour == "sla-yellow" and "少回款" in row and "¥20.00" in row and "10 天" in row
    colour, row = browser.row(f"#owed tr[data-tracking='{missing}']")
    assert colour == "sla-red" and "未回款" in row and "20 天" in row
    _, row = browser.row(f"#mismatches tr[data-tracking='{unknown}']")
    assert "异常回款" in row and "没有这个运单号的包裹" in row
    browser.screenshot("cod_remittances")

    bad = tmp_path / "回款.csv"
    bad.write_bytes(csv_bytes([(short, "一百", today.isoformat())], encoding="gbk"))
    browser.find("statement-file").send_keys(str(bad))
    browser.submit("import-submit")
    assert "整份未导入" in browser.text("error")
    problem = browser.text("problems")
    assert "2" in problem and "代收金额" in problem and "不是金额：一百" in problem
    assert english_in(browser.text("error")) == []   # the service's reasons arrive as codes, read in Chinese

    browser.open("/lang/en")
    browser.open("/remittances")
    assert "Short" in browser.row(f"#owed tr[data-tracking='{short}']")[1]


def test_the_monthly_statistics_and_their_xlsx_download(courier, start_console, browser):
    tracking_no, delivered_at = courier.delivered("66.60", days_ago=0.01)
    assert courier.upload(xlsx([(tracking_no, 66.6, business_day(utcnow()))])).status_code == 201
    month = business_day(delivered_at).strftime("%Y-%m")
    browser.base = start_console(courier.service)
    browser.sign_in("M-1", "manager")
    browser.open(f"/cod-report?month={month}")
    _, row = browser.row("#cod-report tr[data-carrier='EMS']")
    assert "¥66.60" in row and "¥0.00" in row
    link = browser.find("download-xlsx").get_attribute("href")
    cookies = {c["name"]: c["value"] for c in browser.driver.get_cookies()}
    download = requests.get(link, cookies=cookies, timeout=10)
    assert download.status_code == 200 and download.headers["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(BytesIO(download.content), read_only=True).worksheets[0]
    header, first, *_ = sheet.iter_rows(values_only=True)
    assert dict(zip(header, first))["carrier"] == "EMS" and dict(zip(header, first))["remitted"] == pytest.approx(66.6)


def test_an_agent_takes_up_the_stuck_parcel_task(start_service, rabbit_config, publish_order, start_console, browser):
    desk = Desk(start_service("after_sales"), rabbit_config["AMQP_URI"], publish_order)
    order_no = desk.place()
    publish_event(desk.amqp_uri, "shipping_labels", "parcel_stuck", {
        "order_no": order_no, "tracking_no": "EE123456785CN", "carrier": "EMS",
        "silent_since": utcnow() - timedelta(days=4), "last_status": "in_transit", "silent_days": 4})
    task, = wait_for(lambda: desk.call("GET", "/cases", params={"order_no": order_no}).json()["cases"],
                     message="no stuck-parcel task")
    browser.base = start_console(desk.service)

    browser.sign_in("A-9", "agent")
    browser.open("/cases?case_type=stuck_parcel")
    colour, row = browser.row(f"#case-rows tr[data-case='{task['id']}']")
    assert colour == "sla-yellow" and "异常快递" in row and "客服队列" in row and "待跟进" in row
    browser.screenshot("after_sales_stuck_parcel_queue")
    browser.open(f"/cases/{task['id']}")
    assert "多日没有物流更新" in browser.text("stuck-note")
    browser.driver.find_element("css selector", "#form-close input[name=note]").send_keys("快递：中转延误，已催件")
    browser.click("do-close")
    assert "已关闭" in browser.wait_text("case-status", "已关闭")
    assert "A-9" in browser.text("assignee")
