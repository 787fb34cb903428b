"""In the browser: a manager's day (issue 19). Everyone's scorecards at a glance as a chart, one person's card,
downloaded as CSV and XLSX and read back; the weekly after-sales record table on screen and downloaded; a fine
issued, noticed and paid; a dead letter replayed, with who and when shown. Screenshots in var/screenshots/."""
import csv
import io
import re
from io import BytesIO

import requests
from openpyxl import load_workbook

from services.web_console.formatting import local_today
from shared.messaging.dead_letters import list_dead_letters
from shared.testing.bus import publish_event
from shared.testing.polling import wait_for
from shared.timeutil import BUSINESS_ZONE, utcnow
from tests.after_sales.conftest import Desk
from tests.staff_performance import events


def register(performance, staff_id, name, team="售后一组"):
    saved = requests.put(performance.url(f"/staff/{staff_id}"), headers=performance.headers("manager", "M-1"),
                         json={"name": name, "role": "agent", "rank": "regular", "team": team}, timeout=10)
    assert saved.status_code in (200, 201), saved.text


def fetch(browser, element_id):
    """What a download link gives the signed-in browser's cookies."""
    link = browser.find(element_id).get_attribute("href")
    cookies = {c["name"]: c["value"] for c in browser.driver.get_cookies()}
    answer = requests.get(link, cookies=cookies, timeout=10)
    assert answer.status_code == 200 and answer.headers["Content-Disposition"].startswith("attachment"), answer.text
    return answer


def svg_texts(browser, css):
    """The words drawn in a chart (SVG elements have no innerText)."""
    return browser.driver.execute_script(
        "return [...document.querySelectorAll(arguments[0])].map(e => e.textContent.trim());", css)


def csv_rows(answer):
    text = answer.content.decode("utf-8")
    assert text.startswith("\ufeff")   # Excel's byte-order mark: the Chinese headers open readable
    return list(csv.reader(io.StringIO(text[1:])))


def xlsx_rows(answer):
    return [list(row) for row in load_workbook(BytesIO(answer.content), read_only=True).worksheets[0].values]


def test_a_managers_day(start_service, start_console, browser, rabbit_config, publish_order, tmp_path):
    performance = start_service("staff_performance")
    register(performance, "S-9", "王芳")
    register(performance, "S-8", "李雷")
    register(performance, "S-7", "=1+2")   # a name a spreadsheet would read as a formula
    for staff_id, rule in (("S-9", "unexecuted_order"), ("S-7", "fake_visit")):
        fined = requests.post(performance.url("/fines"), timeout=10, json={
            "staff_id": staff_id, "rule": rule, "day": local_today(), "reason": "订单未执行"},
            headers=performance.headers("manager", "M-1", **{"Idempotency-Key": f"fine-{staff_id}"}))
        assert fined.status_code == 201, fined.text
    approved_at = utcnow()
    publish_event(rabbit_config["AMQP_URI"], *events.order_approved("R-1", approved_at))   # a reviewer's work today
    after_sales = Desk(start_service("after_sales"), rabbit_config["AMQP_URI"], publish_order)
    after_sales.open(after_sales.place(), reason="damaged", amount="59.00")
    review = start_service("order_review")
    publish_order(raw_body=b"not json at all")   # refused at once: a dead letter of order_review
    letter = wait_for(lambda: list_dead_letters(rabbit_config["AMQP_URI"], "order_review"), timeout=30,
                      message="no dead letter")[0]
    browser.base = start_console(performance, after_sales.service, review, replay_log=str(tmp_path / "replays.jsonl"))
    browser.sign_in("M-1", "manager")
    browser.csp_violations()

    # Everyone at a glance: a bar a person, red where a figure is red; a name opens that card.
    browser.open("/scorecards")
    labels = svg_texts(browser, "#glance-chart svg text")
    assert {"王芳 (S-9)", "李雷 (S-8)", "=1+2 (S-7)"} <= set(labels) and "红" in labels
    assert "#c62828" in browser.values("#glance-chart rect", "fill")   # S-9's unpaid fine
    browser.screenshot("manager_day_1_glance")
    card_link = [href for href in browser.values("#glance-chart a", "href") if "S-9" in href][0]
    browser.open(card_link)
    card = browser.text("scorecard")
    assert "王芳" in card and "未缴罚款" in card and "不超过目标" in card and "at most" not in card
    browser.screenshot("manager_day_2_card")

    rows = csv_rows(fetch(browser, "download-csv"))
    assert rows[0] == ["工号", "姓名", "指标", "数值", "目标", "状态", "备注"]
    assert ["S-9", "王芳", "未缴罚款", "20.00", "0.00", "红", "不超过目标"] in rows
    sheet = xlsx_rows(fetch(browser, "download-xlsx"))
    assert sheet[0] == rows[0] and ["S-9", "王芳", "未缴罚款", "20.00", "0.00", "红", "不超过目标"] in [
        [str(c) if c is not None else "" for c in row] for row in sheet]
    browser.open("/scorecards")
    everyone = csv_rows(fetch(browser, "download-all-csv"))
    assert {row[0] for row in everyone[1:]} == {"S-7", "S-8", "S-9"}
    assert {row[1] for row in everyone[1:]} == {"王芳", "李雷", "'=1+2"}   # neutralised, not a formula
    assert {row[1] for row in xlsx_rows(fetch(browser, "download-all-xlsx"))[1:]} == {"王芳", "李雷", "'=1+2"}

    # The weekly after-sales record table: A-1 opened a case this week; the total row; breaches per week.
    browser.open("/weekly-report")
    table = browser.text("weekly")
    assert "A-1" in table and "合计" in table and "商品破损" in table
    assert len(browser.values("#breaches-chart rect", "height")) == 8
    browser.driver.execute_script("document.getElementById('breaches-chart').scrollIntoView()")
    browser.screenshot("manager_day_3_weekly")
    browser.driver.set_window_size(390, 844)   # a phone: the chart scrolls in its card, the page does not
    assert browser.driver.execute_script("return document.documentElement.scrollWidth") <= 390
    browser.screenshot("manager_day_3_weekly_390")
    browser.driver.set_window_size(1280, 900)
    weekly = csv_rows(fetch(browser, "download-csv"))
    assert weekly[0][:4] == ["客服", "新建", "关闭", "退款金额"] and "商品破损" in weekly[0]
    damaged = weekly[0].index("商品破损")
    assert [(row[0], row[1], row[damaged]) for row in weekly[1:]] == [("A-1", "1", "1"), ("合计", "1", "1")]
    book = xlsx_rows(fetch(browser, "download-xlsx"))
    assert book[0] == weekly[0] and [(row[0], row[1]) for row in book[1:]] == [("A-1", 1), ("合计", 1)]

    # Orders per stage through the day: the approval above, in its Shanghai hour.
    wait_for(lambda: requests.get(performance.url("/flow"), headers=performance.headers("manager"),
                                  timeout=10).json()["stages"][0]["total"] == 1, message="the approval not counted")
    browser.open("/pipeline")
    lines = svg_texts(browser, "#flow-chart svg text")
    assert "审单（1）" in lines and "交接发货（0）" in lines
    hour = approved_at.astimezone(BUSINESS_ZONE).strftime("%H")
    assert f"审单（1） · {hour}: 1" in svg_texts(browser, "#flow-chart circle title")
    browser.driver.execute_script("document.getElementById('flow').scrollIntoView()")
    browser.screenshot("manager_day_4_flow")

    # A fine issued from the console, noticed and paid.
    browser.open("/fines")
    browser.find("fine-staff").send_keys("李雷")
    browser.find("fine-rule").send_keys("拜访未登记")
    browser.type("fine-reason", "周三拜访未登记")
    browser.submit("fine-issue")
    assert browser.text("ok") == "罚款已开具。"
    fine_row = [i for i in browser.values("#records tr[id^='fine-']") if "周三拜访未登记" in browser.text(i)][0]
    assert "S-8" in browser.text(fine_row) and "拜访未登记" in browser.text(fine_row)
    fine_id = fine_row.split("-", 1)[1]
    browser.submit(f"notice-{fine_id}")
    assert browser.text("ok") == "已登记告知。" and local_today() in browser.text(fine_row)
    browser.type(f"pay-amount-{fine_id}", "999.00")
    browser.submit(f"pay-{fine_id}")
    assert "缴款超过未付金额" in browser.text("error")   # refused, with the reason
    browser.submit(f"pay-{fine_id}")                     # the outstanding amount, as the form offers it
    assert browser.text("ok") == "缴款已登记。"
    assert browser.row(f"#{fine_row}")[0] == "sla-green"
    browser.screenshot("manager_day_5_fines")
    browser.find("fine-staff").send_keys("=1+2")      # a second fake visit this year: past the ladder
    browser.find("fine-rule").send_keys("虚假拜访")
    browser.type("fine-reason", "再次虚假拜访")
    browser.submit("fine-issue")
    assert "按制度应辞退" in browser.text("ok")

    # A dead letter replayed: who and when are on the page.
    browser.open("/dead-letters")
    browser.submit(f"replay-{letter.id}")
    assert browser.text("ok") == "已重新投递，记录见下方。"
    record = browser.text("replay-records")
    assert "M-1" in record and re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", record) and "T" not in record.split()[1]
    browser.screenshot("manager_day_6_dead_letters")
    assert browser.csp_violations() == []

    # The same screens in English: the chart's words and the table's codes too.
    browser.click("lang-en")
    browser.open("/scorecards")
    assert {"green", "red", "王芳 (S-9)"} <= set(svg_texts(browser, "#glance-chart svg text"))
    browser.open("/weekly-report")
    assert "Total" in browser.text("weekly") and "Damaged" in browser.text("weekly")
    assert csv_rows(fetch(browser, "download-csv"))[0][:2] == ["Agent", "Opened"]
    browser.click("lang-zh")
