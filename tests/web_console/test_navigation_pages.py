"""In the browser (#19): on a phone (390 px) a manager's many links (thirteen and more) fold behind a menu
button, so the first screen shows the page, and open with it; on a desk screen (1366 px) they show in the header. No
link's words break in the middle."""
from contextlib import contextmanager

from selenium.webdriver.support.ui import WebDriverWait

from services.web_console import nav

# Per link in the header: shown at all, and on how many lines its words stand.
LINKS = """return [...document.querySelectorAll('header.top nav a')].map(link => {
  const words = document.createRange(); words.selectNodeContents(link);
  return [link.textContent, link.checkVisibility(), words.getClientRects().length];
});"""
# Where the page's own heading starts, against the first screen's height.
HEADING = "const h = document.querySelector('main h1'); return [h.getBoundingClientRect().top, window.innerHeight];"


def links_now(browser):
    return browser.driver.execute_script(LINKS)


@contextmanager
def manager_at(browser, width, height):
    """A manager's page (their own password's: every role has it) on a screen this wide; the usual size after."""
    browser.sign_in("M-1", "manager")
    browser.driver.set_window_size(width, height)
    try:
        browser.open("/account/password")
        yield
    finally:
        browser.driver.set_window_size(1280, 900)


def test_on_a_phone_the_links_fold_behind_the_menu_button(start_console, browser):
    browser.base = start_console()
    with manager_at(browser, 390, 844):
        links = links_now(browser)
        assert len(links) == len(nav.for_role("manager")) > 10
        assert not any(shown for _text, shown, _lines in links)        # folded
        top, height = browser.driver.execute_script(HEADING)
        assert top < height / 4, f"the page's heading starts at {top}px of {height}px"
        assert browser.find("menu-button").get_attribute("aria-expanded") == "false"
        browser.screenshot("phone_menu_closed")

        browser.click("menu-button")
        WebDriverWait(browser.driver, 5).until(lambda _: all(shown for _t, shown, _l in links_now(browser)))
        assert browser.find("menu-button").get_attribute("aria-expanded") == "true"
        assert [(text, lines) for text, _shown, lines in links_now(browser) if lines != 1] == []
        assert browser.find("signout").is_displayed()
        browser.screenshot("phone_menu_open")
        browser.click("menu-button")
        WebDriverWait(browser.driver, 5).until(lambda _: not any(shown for _t, shown, _l in links_now(browser)))


def test_on_a_desk_screen_the_links_show_in_the_header(start_console, browser):
    browser.base = start_console()
    with manager_at(browser, 1366, 768):
        links = links_now(browser)
        assert len(links) == len(nav.for_role("manager")) and all(shown for _text, shown, _lines in links)
        assert [(text, lines) for text, _shown, lines in links if lines != 1] == []
        assert not browser.find("menu-button").is_displayed()
        browser.screenshot("desk_header")
