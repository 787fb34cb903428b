"""The duty rota on the console (seed 001: 周一至周日有人在岗,每天2人值班): a manager sees a week, puts people
on duty and takes them off, days with fewer than two are red; judged days show each person's attendance."""
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import requests
from selenium.webdriver.support.ui import Select

from services.staff_performance import attendance, policies, rota
from services.web_console import texts
from shared.timeutil import business_day, utcnow

SH = ZoneInfo("Asia/Shanghai")
SATURDAY = date(2026, 3, 21)


def test_every_attendance_status_and_reason_has_words_in_both_languages():
    codes = [f"attendance.{s}" for s in (attendance.PRESENT, attendance.LATE, attendance.ABSENT, attendance.ON_LEAVE,
                                         attendance.REST, attendance.EARLY, attendance.LATE_AND_EARLY)]
    codes += [f"attendance.reason.{r}" for r in (attendance.NO_CLOCK_IN, attendance.LATE_OVER_LIMIT,
                                                attendance.LEFT_EARLY, attendance.AWAY_OVER_LIMIT, "leave")]
    codes += [f"weekday.{n}" for n in range(7)]
    assert [code for code in codes if code not in texts.TEXTS] == []
    left = texts.translate("en", "attendance.reason.left_early", early_minutes=1)
    assert left == "Left 1 min early: early leave counts as the day's absence"
    assert texts.translate("zh", "attendance.reason.left_early", early_minutes=1).startswith("提前 1 分钟离岗")


def test_a_manager_keeps_the_rota_and_short_days_show_red(start_service, start_console, browser):
    performance = start_service("staff_performance")
    manager = performance.headers("manager", "M-1")
    for staff_id, name in (("S-1", "王芳"), ("S-2", "李雷")):
        saved = requests.put(performance.url(f"/staff/{staff_id}"), headers=manager, timeout=10,
                             json={"name": name, "role": "agent", "rank": "regular", "team": "售后一组"})
        assert saved.status_code == 200, saved.text
    tomorrow = str(business_day(utcnow()) + timedelta(days=1))
    browser.base = start_console(performance)

    browser.sign_in("M-1", "manager")
    browser.open("/rota")
    assert "缺 2 人" in browser.text(f"staffing-{tomorrow}")
    assert browser.find(f"day-{tomorrow}").get_attribute("class") == "sla-red"
    for staff_id in ("S-1", "S-2"):
        Select(browser.find(f"person-{tomorrow}")).select_by_value(staff_id)
        browser.submit(f"add-{tomorrow}")
        browser.find("ok")
    assert "王芳" in browser.text(f"duty-{tomorrow}-S-1") and "李雷" in browser.text(f"duty-{tomorrow}-S-2")
    assert browser.find(f"day-{tomorrow}").get_attribute("class") == "sla-green"
    browser.screenshot("manager_rota")

    browser.submit(f"remove-{tomorrow}-S-2")
    assert "已从值班表移除" in browser.text("ok")
    assert "缺 1 人" in browser.text(f"staffing-{tomorrow}")
    assert browser.find(f"day-{tomorrow}").get_attribute("class") == "sla-red"

    for field, value in (("start", "18:00"), ("end", "09:00")):   # a shift ending before it starts: refused, said why
        browser.driver.execute_script("arguments[0].value = arguments[1]", browser.find(f"{field}-{tomorrow}"), value)
    Select(browser.find(f"person-{tomorrow}")).select_by_value("S-2")
    browser.submit(f"add-{tomorrow}")
    assert "end" in browser.text("error")
    assert browser.driver.find_elements("id", f"duty-{tomorrow}-S-1")
    assert not browser.driver.find_elements("id", f"duty-{tomorrow}-S-2")

    assert browser.csp_violations() == []
    browser.sign_in("SV-1", "supervisor")
    browser.open("/rota")
    assert browser.find("rota") and not browser.driver.find_elements("id", f"add-{tomorrow}")


def test_a_judged_day_shows_early_leave_as_absence(start_service, start_console, browser):
    performance = start_service("staff_performance")
    requests.put(performance.url("/staff/S-3"), headers=performance.headers("manager", "M-1"), timeout=10,
                 json={"name": "韩梅", "role": "agent", "rank": "regular", "team": "售后一组"}).raise_for_status()
    with performance.db.unit_of_work() as uow:   # put on duty for that Saturday back then
        rota.put(uow, policies.book(uow.session).for_day(SATURDAY), SATURDAY, "S-3", None, None, "M-1",
                 SATURDAY - timedelta(days=1))
    for n, moment in enumerate((datetime(2026, 3, 21, 8, 20, tzinfo=SH), datetime(2026, 3, 21, 17, 45, tzinfo=SH))):
        requests.post(performance.url("/punches"), headers=performance.headers("clock", "CLOCK-1"), timeout=10,
                      json={"punch_id": f"p-{n}", "staff_id": "S-3", "at": moment.isoformat()}).raise_for_status()
    requests.post(performance.url("/attendance/close"), headers=performance.headers("manager", "M-1"), timeout=10,
                  json={"day": str(SATURDAY)}).raise_for_status()
    browser.base = start_console(performance)

    browser.sign_in("M-1", "manager")
    browser.open(f"/rota?week={SATURDAY}")
    person = browser.text(f"duty-{SATURDAY}-S-3")
    assert "旷工" in person and "提前 15 分钟离岗" in person
    assert not browser.driver.find_elements("id", f"remove-{SATURDAY}-S-3")   # the past stays as judged
    browser.open("/lang/en")
    browser.open(f"/rota?week={SATURDAY}")
    assert "Left 15 min early" in browser.text(f"duty-{SATURDAY}-S-3")
    browser.screenshot("manager_rota_judged")
