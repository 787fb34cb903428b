"""Issue #17 'People', in the browser: a one-time password leads only to the page that changes it; a
person changes their password any time and switches between their roles; an administrator manages
accounts (create, roles, disable and enable, password reset, audit) and machines' keys."""
import requests
from selenium.webdriver.support.ui import Select, WebDriverWait

from shared.testing.identity import new_password


def account(identity, staff_id):
    return next(a for a in identity.as_admin("GET", "/accounts").json()["accounts"] if a["staff_id"] == staff_id)


def now_at(browser, path):
    WebDriverWait(browser.driver, 10).until(lambda driver: driver.current_url.split("?")[0].endswith(path))


def change_password(browser, current, new, again=None):
    browser.type("current_password", current)
    browser.type("new_password", new)
    browser.type("new_password_again", again if again is not None else new)
    browser.submit("change-password")


def test_a_one_time_password_leads_only_to_changing_it(start_console, browser):
    browser.base = start_console()
    one_time = browser.identity.create_account("OT-1", ["agent"], name="王芳")["one_time_password"]
    browser.sign_in_with("OT-1", one_time)
    now_at(browser, "/account/password")
    assert "一次性密码" in browser.text("password-forced")
    assert browser.driver.find_elements("css selector", "header nav a") == []   # no page to go to
    for elsewhere in ("/cases", "/", "/cases/new"):
        browser.open(elsewhere)
        now_at(browser, "/account/password")
    browser.screenshot("password_forced")

    change_password(browser, one_time, "Short-1")
    assert browser.text("password-problem") == "新密码至少需要 12 个字符。"
    change_password(browser, one_time, "Abcdefghijk-OT-1-x")
    assert browser.text("password-problem") == "新密码不能包含工号。"
    password = new_password()
    change_password(browser, one_time, password, again=password + "x")
    assert browser.text("password-problem") == "两次输入的新密码不一致。"
    change_password(browser, "Not-the-one-time-1", password)
    assert browser.text("password-problem") == "当前密码不正确。"
    change_password(browser, one_time, password)
    now_at(browser, "/cases")                                   # the agent's own pages now
    assert browser.text("ok") == "密码已修改。" and browser.find("signout")
    browser.sign_in_with("OT-1", password)
    now_at(browser, "/cases")


def test_a_person_changes_their_password_any_time_and_their_other_sessions_end(start_console, browser):
    browser.base = start_console()
    password = browser.identity.person("CHG-1", "packer")
    elsewhere = browser.identity.sign_in("CHG-1", password).json()["session_id"]
    browser.sign_in("CHG-1", "packer")
    browser.click("password-link")
    now_at(browser, "/account/password")
    assert browser.driver.find_elements("id", "password-forced") == []
    newer = new_password()
    change_password(browser, password, newer)
    now_at(browser, "/packing")
    assert browser.text("ok") == "密码已修改。"
    assert browser.identity.current(elsewhere).json()["why"] == "password_changed"
    assert browser.identity.sign_in("CHG-1", newer).status_code == 201
    browser.identity.passwords["CHG-1"] = newer


def test_someone_with_several_roles_switches_and_the_nav_shows_the_acting_one(start_console, browser):
    browser.base = start_console()
    browser.identity.person("RS-1", "agent")
    browser.identity.as_admin("PUT", "/accounts/RS-1/roles", json={"roles": ["agent", "supervisor"]})
    browser.sign_in_with("RS-1", browser.identity.passwords["RS-1"])
    now_at(browser, "/cases")
    assert browser.text("acting") == "RS-1 · 客服"
    assert "/pipeline" not in [a.get_attribute("href").split(browser.base)[-1]
                               for a in browser.driver.find_elements("css selector", "header nav a")]
    Select(browser.find("role")).select_by_value("supervisor")
    browser.submit("switch-role")
    now_at(browser, "/cases")
    assert browser.text("acting") == "RS-1 · 主管" and browser.text("ok") == "已切换岗位。"
    assert browser.driver.find_elements("css selector", "header nav a[href='/pipeline']")   # a supervisor's page
    browser.screenshot("role_switched")
    # Identity acts on it: the session's tokens are a supervisor's now.
    session_id = next(c for c in browser.driver.get_cookies() if c["name"] == "console_session")["value"]
    assert browser.identity.current(session_id).json()["role"] == "supervisor"
    # A person with one role gets no switch.
    browser.sign_in("RS-2", "agent")
    assert browser.driver.find_elements("id", "role-form") == []


def test_an_administrator_manages_an_account_from_creation_to_reset(start_console, browser):
    browser.base = start_console()
    browser.sign_in("ADM-1", "admin")
    now_at(browser, "/admin/accounts")                          # the administrator's home
    browser.type("new-staff-id", "S2001")
    browser.type("new-name", "赵敏")
    browser.click("new-role-agent")
    browser.submit("create")
    one_time = browser.text("shown-once")
    assert len(one_time) == 16 and "仅显示这一次" in browser.driver.page_source
    browser.screenshot("admin_account_created")
    signed = browser.identity.sign_in("S2001", one_time)
    assert signed.status_code == 201 and signed.json()["must_change_password"]

    browser.click("back")
    now_at(browser, "/admin/account")
    assert one_time not in browser.driver.page_source          # shown once, on the answer that made it
    browser.click("role-supervisor")
    browser.submit("save-roles")
    assert browser.text("ok") == "岗位已保存。"
    assert account(browser.identity, "S2001")["roles"] == ["agent", "supervisor"]
    browser.submit("disable")
    assert "已停用" in browser.text("account-status")
    assert browser.identity.sign_in("S2001", one_time).json()["error"] == "account_disabled"
    browser.submit("enable")
    assert "启用" in browser.text("account-status")
    browser.submit("reset-password")
    again = browser.text("shown-once")
    assert again != one_time and browser.identity.sign_in("S2001", one_time).status_code == 401
    assert browser.identity.sign_in("S2001", again).status_code == 201
    browser.click("back")
    audit = browser.text("audit")
    for change in ("创建", "岗位变更", "停用", "启用", "重置密码"):
        assert change in audit, (change, audit)
    assert "ADM-1" in audit
    browser.screenshot("admin_account_audit")


def test_the_last_administrator_is_neither_disabled_nor_demoted_and_the_page_says_why(start_console, browser):
    browser.base = start_console()
    browser.sign_in("ADM-2", "admin")
    for other in [a["staff_id"] for a in browser.identity.as_admin("GET", "/accounts").json()["accounts"]
                  if "admin" in a["roles"] and a["staff_id"] != "ADM-2"]:
        browser.identity.as_admin("PUT", f"/accounts/{other}/roles", json={"roles": ["agent"]})   # ADM-2 is the last
    browser.open("/admin/account?staff_id=ADM-2")
    browser.submit("disable")
    assert "不能停用最后一位启用中的系统管理员" in browser.text("error")
    browser.click("role-admin")                                   # untick the admin role
    browser.click("role-agent")
    browser.submit("save-roles")
    assert "不能停用最后一位启用中的系统管理员" in browser.text("error")
    still = account(browser.identity, "ADM-2")
    assert still["roles"] == ["admin"] and not still["disabled"]
    browser.screenshot("admin_last_admin")


def test_an_administrator_registers_a_devices_key_shown_once_and_revokes_it(start_console, browser):
    browser.base = start_console()
    browser.sign_in("ADM-3", "admin")
    browser.open("/admin/api-keys")
    Select(browser.find("key-role")).select_by_value("carrier")
    browser.type("key-subject", "ZTO")
    browser.type("key-label", "中通轨迹推送")
    browser.submit("create-api-key")
    key = browser.text("shown-once")
    assert key.startswith("bk_")
    exchange = lambda: requests.post(browser.identity.url("/tokens"), headers={"Authorization": f"ApiKey {key}"},  # noqa: E731
                                     timeout=10)
    assert exchange().status_code == 200
    browser.click("back")
    key_id = key[3:19]
    assert "中通轨迹推送" in browser.text(f"key-{key_id}") and key not in browser.driver.page_source
    browser.submit(f"revoke-{key_id}")
    assert browser.text("ok") == "密钥已吊销。" and "已吊销" in browser.text(f"key-{key_id}")
    assert exchange().status_code == 401
    browser.screenshot("admin_api_keys")
