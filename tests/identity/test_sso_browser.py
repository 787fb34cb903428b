"""Single sign-on in headless Chromium: a person at the provider's own login page, sent back to a
loopback callback page (standing in for the console's), whose query goes to `finish`."""
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from services.identity.sso import SingleSignOn
from shared.testing.oidc_provider import ProviderSetup
from tests.identity.sso_helpers import ROLE_MAP, refusal
from tests.web_console import browser as chromium


class CallbackPage:
    """The console's /sso/callback as far as the browser can tell: it notes the query it was opened with."""

    def __init__(self):
        queries = self.queries = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                path, _, query = self.path.partition("?")
                if path != "/sso/callback":   # the browser asks for /favicon.ico too
                    return self.send_error(404)
                queries.append(query)
                body = b'<!DOCTYPE html><html><body><p id="callback">Back at the console</p></body></html>'
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/sso/callback"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05})
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def callback_page():
    page = CallbackPage()
    yield page
    page.stop()


@pytest.fixture(scope="module")
def oidc_provider_setup(callback_page):
    return ProviderSetup(redirect_uri=callback_page.url)


@pytest.fixture(scope="module")
def browser_session():
    browser = chromium.start_chromium_or_skip()
    yield browser
    browser.quit()


@pytest.fixture
def browser(browser_session):
    # the provider's own session would sign the next person in without asking
    browser_session.driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    return browser_session


@pytest.fixture
def sso(oidc_provider, tmp_path):
    return SingleSignOn.from_config(oidc_provider.client_config(tmp_path, ROLE_MAP))


def back_at_the_console(browser, callback_page):
    assert browser.text("callback") == "Back at the console"
    return callback_page.queries[-1]


def test_a_person_signs_in_at_the_providers_page(browser, sso, callback_page):
    started = sso.start()
    browser.driver.get(started.url)
    browser.type("login", "bob")
    browser.type("password", "wrong-password")
    browser.click("sign-in")
    assert "Wrong login or password" in browser.text("error")
    browser.screenshot("sso-provider-wrong-password")
    browser.type("login", "bob")
    browser.type("password", "bob-password", enter=True)
    query = back_at_the_console(browser, callback_page)
    bob = sso.finish(query, started.kept)
    assert (bob.staff_id, bob.name, bob.roles) == ("S1002", "Bob Li", ("agent", "supervisor"))


def test_a_person_who_cancels_is_refused(browser, sso, callback_page):
    started = sso.start()
    browser.driver.get(started.url)
    browser.click("cancel")
    query = back_at_the_console(browser, callback_page)
    refused = refusal(sso.finish, query, started.kept)
    assert refused.reason == "provider_error" and "access_denied" in refused.message


def test_a_person_without_a_mapped_group_gets_as_far_as_the_callback_and_no_further(browser, sso, callback_page):
    started = sso.start()
    browser.driver.get(started.url)
    browser.type("login", "carol")
    browser.type("password", "carol-password", enter=True)
    assert refusal(sso.finish, back_at_the_console(browser, callback_page), started.kept).reason == "no_role"
