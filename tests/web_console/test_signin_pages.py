"""Issue #17 'People', in the browser: signing in at the console through identity, and each way it
can say no (a sentence, Chinese by default, never which of staff id and password was wrong)."""
import pytest
from selenium.webdriver.support.ui import WebDriverWait

from services.identity import clock as identity_clock
from tests.identity.conftest import Clock


@pytest.fixture
def clock(monkeypatch):
    moved = Clock()
    monkeypatch.setattr(identity_clock, "now", moved.now)
    return moved


def session_cookie(browser):
    return next((c for c in browser.driver.get_cookies() if c["name"] == "console_session"), None)


def refused_with(browser, staff_id, password, expected):
    browser.sign_in_with(staff_id, password)
    assert expected in browser.wait_text("signin-problem", expected)
    assert session_cookie(browser) is None and browser.driver.find_elements("id", "signout") == []


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(start_console, browser):
    browser.base = start_console()
    password = browser.identity.person("C-1", "agent")
    browser.open("/signin")
    assert browser.driver.find_elements("id", "sso") == []   # no single sign-on configured: no link
    refused_with(browser, "C-1", password + "x", "工号或密码错误。")
    refused_with(browser, "NO-SUCH-ONE", password, "工号或密码错误。")   # the same sentence for an unknown id
    browser.screenshot("signin_wrong_password")
    browser.sign_in_with("C-1", password)
    browser.find("signout")
    cookie = session_cookie(browser)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and not cookie["secure"]


def test_the_fifth_wrong_password_locks_the_account_and_the_right_one_is_then_refused_too(start_console, browser):
    browser.base = start_console()
    password = browser.identity.person("C-2", "packer")
    for _ in range(4):
        refused_with(browser, "C-2", "Wrong-password-1", "工号或密码错误。")
    refused_with(browser, "C-2", "Wrong-password-1", "账号已锁定")
    refused_with(browser, "C-2", password, "账号已锁定")   # never tells that this one was right
    browser.open("/lang/en")
    refused_with(browser, "C-2", password, "the account is locked until")
    browser.screenshot("signin_locked")
    browser.open("/lang/zh")


def test_a_disabled_account_is_refused_and_disabling_ends_a_session_at_once(start_console, browser):
    browser.base = start_console()
    password = browser.identity.person("C-3", "agent")
    browser.sign_in("C-3", "agent")
    browser.open("/cases")
    assert browser.identity.as_admin("POST", "/accounts/C-3/disable").status_code == 200
    browser.open("/cases")                                  # the next page: identity says it has ended
    assert "该账号已停用，会话已结束。" in browser.wait_text("signin-notice", "已停用")
    assert session_cookie(browser) is None
    refused_with(browser, "C-3", password, "该账号已停用，请联系系统管理员。")
    browser.screenshot("signin_disabled")
    browser.identity.as_admin("POST", "/accounts/C-3/enable")


def test_a_session_idle_for_thirty_minutes_sends_the_person_back_to_sign_in(start_console, browser, clock):
    browser.base = start_console()
    browser.sign_in("C-4", "agent")
    browser.open("/cases")
    clock.advance(minutes=29, seconds=59)
    browser.open("/cases/new")
    assert browser.driver.current_url.endswith("/cases/new") and browser.find("signout")
    clock.advance(minutes=30)                               # 30 minutes since the last page
    browser.open("/cases")
    WebDriverWait(browser.driver, 10).until(lambda driver: "/signin" in driver.current_url)
    assert "长时间未操作，会话已结束" in browser.wait_text("signin-notice", "会话已结束")
    assert session_cookie(browser) is None
    browser.screenshot("signin_idle")


def test_signing_out_ends_the_session_at_identity(start_console, browser):
    browser.base = start_console()
    browser.sign_in("C-5", "agent")
    session_id = session_cookie(browser)["value"]
    assert browser.identity.current(session_id).status_code == 200
    browser.click("signout")
    assert "您已退出登录。" in browser.wait_text("signin-notice", "已退出")
    ended = browser.identity.current(session_id)
    assert ended.status_code == 401 and ended.json()["why"] == "signed_out"
    browser.driver.add_cookie({"name": "console_session", "value": session_id})   # the old cookie, replayed
    browser.open("/cases")
    WebDriverWait(browser.driver, 10).until(lambda driver: "/signin" in driver.current_url)
    assert browser.driver.find_elements("id", "signout") == []


def test_no_session_outlives_twelve_hours_however_busy_the_person(start_console, browser, clock):
    browser.base = start_console()
    browser.sign_in("C-6", "agent")
    for _ in range(24):                                     # a page every 29:59: never idle
        clock.advance(minutes=29, seconds=59)
        browser.open("/cases/new")
        assert browser.driver.current_url.endswith("/cases/new") and browser.find("signout")
    clock.advance(seconds=12 * 3600 - 1 - 24 * (29 * 60 + 59))   # to 11:59:59 after sign-in
    browser.open("/cases/new")
    assert browser.find("signout")
    clock.advance(seconds=1)                                # twelve hours to the second
    browser.open("/cases")
    WebDriverWait(browser.driver, 10).until(lambda driver: "/signin" in driver.current_url)
    assert "会话已超过 12 小时，请重新登录。" in browser.wait_text("signin-notice", "12")
    assert session_cookie(browser) is None
    browser.screenshot("signin_expired")
