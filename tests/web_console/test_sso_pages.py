"""Issue #17 'Single sign-on', done when: in headless Chromium, the console's "sign in with SSO" link
through the real OpenID provider (npm oidc-provider, on loopback) to the role's home page; a person
without a mapped role, and a disabled account, refused with a sentence.

The console is at 127.0.0.2 and the provider at 127.0.0.1: two sites, as in real life, so the browser
applies SameSite to the provider's redirect back (services/identity/SSO.md, the console's pitfalls)."""
import eventlet
import pytest
from selenium.webdriver.support.ui import WebDriverWait

from shared.testing.oidc_provider import ProviderSetup
from tests.identity.sso_helpers import ROLE_MAP

CONSOLE_HOST = "127.0.0.2"


@pytest.fixture(scope="module")
def console_listener():
    listener = eventlet.listen((CONSOLE_HOST, 0))
    yield listener
    listener.close()


@pytest.fixture(scope="module")
def oidc_provider_setup(console_listener):
    return ProviderSetup(redirect_uri=f"http://{CONSOLE_HOST}:{console_listener.getsockname()[1]}/sso/callback")


@pytest.fixture(scope="module")
def console_identity_config(oidc_provider, tmp_path_factory):
    return oidc_provider.client_config(tmp_path_factory.mktemp("sso"), ROLE_MAP)


@pytest.fixture
def sso_console(start_console, start_service, console_listener, browser):
    browser.driver.execute_cdp_cmd("Network.clearBrowserCookies", {})   # the provider's session too
    browser.base = start_console(start_service("order_review"), listener=console_listener)
    return browser


def sign_in_at_the_provider(browser, login):
    browser.open("/signin")
    browser.click("sso")                                   # a link: to the console's /sso/start, then the provider
    browser.type("login", login)
    browser.type("password", f"{login}-password", enter=True)


def session_cookie(browser):
    return next((c for c in browser.driver.get_cookies() if c["name"] == "console_session"), None)


def refused_with(browser, sentence):
    assert sentence in browser.wait_text("signin-problem", sentence)
    assert browser.driver.current_url.split("?")[0].endswith("/sso/callback")
    assert session_cookie(browser) is None and browser.driver.find_elements("id", "signout") == []


def test_a_person_signs_in_with_sso_and_lands_on_their_roles_home_page(sso_console, console_identity):
    browser = sso_console
    # Alice's account was made with a one-time password she never used: single sign-on doesn't ask for it.
    console_identity.create_account("S1001", ["reviewer", "manager"], name="王爱丽")
    sign_in_at_the_provider(browser, "alice")
    WebDriverWait(browser.driver, 10).until(lambda driver: driver.current_url.endswith("/review"))
    assert browser.text("acting") == "S1001 · 审单员"   # her mapped role; manager isn't one the provider gives
    assert browser.driver.find_elements("id", "role-form") == []
    cookie = session_cookie(browser)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert not [c for c in browser.driver.get_cookies() if c["name"] == "sso_flow"]   # used once, gone
    browser.screenshot("sso_signed_in")
    assert console_identity.current(cookie["value"]).json()["via"] == "sso"


def test_a_person_without_a_mapped_role_is_refused_with_a_sentence(sso_console, console_identity):
    password = console_identity.person("S1003", "agent")   # Carol has an account, but no group the map names
    sign_in_at_the_provider(sso_console, "carol")
    refused_with(sso_console, "您在身份提供方的分组没有对应本系统的任何岗位，无法登录。")
    sso_console.screenshot("sso_no_role")
    # The page the provider sent her back to still signs her in with her password (its form's CSRF
    # token is bound to a pre-session cookie set on that cross-site answer).
    sso_console.type("staff_id", "S1003")
    sso_console.type("password", password)
    sso_console.submit("signin")
    WebDriverWait(sso_console.driver, 10).until(lambda driver: driver.current_url.endswith("/cases"))
    assert sso_console.text("acting") == "S1003 · 客服"


def test_a_disabled_account_cannot_get_in_through_sso_either(sso_console, console_identity):
    console_identity.create_account("S1002", ["agent"])
    assert console_identity.as_admin("POST", "/accounts/S1002/disable").status_code == 200
    sign_in_at_the_provider(sso_console, "bob")
    refused_with(sso_console, "该账号已停用，请联系系统管理员。")
    sso_console.screenshot("sso_disabled")


def test_a_callback_without_this_browsers_flow_is_refused(sso_console):
    sso_console.open("/sso/callback?code=stolen&state=someone-elses")
    refused_with(sso_console, "此单点登录不是从本浏览器发起的")
