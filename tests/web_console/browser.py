"""Headless Chromium from Debian's `chromium` and `chromium-driver` packages, driven by Selenium.

Selenium Manager must never download a browser or driver here: the binary paths are given
and SE_OFFLINE is set.
"""
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from shared.config import ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WAIT_SECONDS = 30   # a wait ends as soon as the page is there; this long only on a machine that is very busy
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", ROOT / "var" / "screenshots"))
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
         "--window-size=1280,900")


def detached(exc):
    """The element is no longer in the page: "stale", or Chromium's "does not belong to the document" for a
    node of a document it is replacing."""
    return isinstance(exc, StaleElementReferenceException) or "does not belong to the document" in str(exc)


def tolerating_detached(condition, when_detached=False):
    """`condition` for WebDriverWait, answering `when_detached` instead of failing while the element it reads
    is leaving the page (see `detached`)."""
    def checked(driver):
        try:
            return condition(driver)
        except WebDriverException as exc:
            if detached(exc):
                return when_detached
            raise
    return checked


def available():
    return os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)


def start_chromium_or_skip():
    """start_chromium(), or skip when Debian's packages are missing (fail under CI: a skipped browser
    journey proves nothing)."""
    if not available():
        message = "Debian's chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return start_chromium()


def start_chromium():
    os.environ["SE_OFFLINE"] = "true"
    profile = tempfile.mkdtemp(prefix="console-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS + (f"--user-data-dir={profile}",):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})   # for csp_violations()
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    return Browser(driver, profile)


class Browser:
    """A person at the console: types, clicks, reads, and takes screenshots."""

    def __init__(self, driver, profile):
        self.driver, self.profile, self.base = driver, profile, None
        self.identity = None   # shared.testing.identity.IdentityClient of the console's identity

    def quit(self):
        self.driver.quit()
        shutil.rmtree(self.profile, ignore_errors=True)

    def open(self, path):
        self.driver.get(self.base + path)

    def sign_in(self, staff_id, role):
        """Sign in as a person with a real account at identity (made on first use) acting in `role`."""
        self.sign_in_with(staff_id, self.identity.person(staff_id, role))
        self.find("signout")   # signed in: the cookie is set before the next page is asked for

    def sign_in_with(self, staff_id, password):
        # Leave the last page first (for a file of the console's own, where no script runs and the cookie
        # can still be deleted): a live list's request still in flight would get a fresh pre-session
        # cookie, and the sign-in form's CSRF token, bound to the one before, would then be refused.
        self.open("/static/console.css")
        self.driver.delete_cookie("console_session")   # whoever was signed in; the language stays
        self.open("/signin")
        self.type("staff_id", staff_id)
        self.type("password", password)
        self.click("signin")

    def find(self, element_id, timeout=WAIT_SECONDS):
        return WebDriverWait(self.driver, timeout).until(EC.presence_of_element_located((By.ID, element_id)))

    def type(self, element_id, text, enter=False):
        field = self.find(element_id)
        field.clear()
        field.send_keys(text + (Keys.ENTER if enter else ""))

    def scan(self, code, field_id="scan", panel_id="station"):
        """A keyboard-wedge scan: the code and Enter; returns once htmx has swapped in the answer."""
        panel = self.find(panel_id)
        self.find(field_id).send_keys(code + Keys.ENTER)
        self.wait_gone(panel)

    def click(self, element_id):
        """Click it once it can be clicked; a live page that swapped the element in between (htmx) is
        looked up again rather than failing ("stale", or Chromium's "does not belong to the document")."""
        def clicked(driver):
            element = EC.element_to_be_clickable((By.ID, element_id))(driver)
            if element:
                element.click()
            return bool(element)
        WebDriverWait(self.driver, WAIT_SECONDS).until(tolerating_detached(clicked))

    def submit(self, element_id):
        """Click what sends a form and wait for the page it leads to: until then `find` would still
        see the page the click left (its own message, or elements about to go stale)."""
        page = self.driver.find_element(By.TAG_NAME, "html")
        self.click(element_id)
        self.wait_gone(page)

    def wait_gone(self, element, timeout=WAIT_SECONDS):
        """Wait until the element has left the document. Chromium may answer for a node of a document it
        is replacing with "does not belong to the document" rather than "stale": both mean gone."""
        def gone(_driver):
            element.is_enabled()
            return False
        WebDriverWait(self.driver, timeout).until(tolerating_detached(gone, when_detached=True))

    def text(self, element_id):
        """The element's text, looked up again if the page replaced it between the look-up and the read (a
        click that loads a page, or htmx swapping a panel)."""
        def read(driver):
            return (self.find(element_id).text,)
        return WebDriverWait(self.driver, WAIT_SECONDS).until(tolerating_detached(read))[0]

    def wait_text(self, element_id, expected, timeout=WAIT_SECONDS):
        """Wait until the element's text contains `expected` (pages reload or htmx swaps them). An element of
        the page being left reads as not yet: Chromium may call it "not in the document" rather than stale,
        which selenium's own condition does not expect (a CI run failed on it)."""
        present = EC.text_to_be_present_in_element((By.ID, element_id), expected)
        WebDriverWait(self.driver, timeout).until(tolerating_detached(present))
        return self.text(element_id)

    def row(self, css):
        """(class, text) of a row read at once: a live list may swap the row between two reads."""
        return self.driver.execute_script(
            "const row = document.querySelector(arguments[0]); return row && [row.className, row.innerText];", css)

    def values(self, css, attribute="id"):
        """An attribute (or "text", or "checked") of every element matching `css`, read in one go: a page that
        refreshes itself may replace the elements between a look-up and a read."""
        return self.driver.execute_script(
            "return [...document.querySelectorAll(arguments[0])].map(e => arguments[1] === 'text' ? e.innerText "
            ": arguments[1] === 'checked' ? e.checked : e.getAttribute(arguments[1]));", css, attribute)

    def focused_id(self):
        return self.driver.switch_to.active_element.get_attribute("id")

    def csp_violations(self):
        """What the browser refused under the Content-Security-Policy since the last call."""
        return [entry["message"] for entry in self.driver.get_log("browser")
                if "Content Security Policy" in entry["message"]]

    def screenshot(self, name):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))
