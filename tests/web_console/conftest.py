"""The console running in the test process against real services, and a headless Chromium."""
import dataclasses
import os

import eventlet
import pytest

from services.web_console.app import Console
from services.web_console.settings import ConsoleSettings
from shared import config as suite_config
from shared.testing.keys import session_keys
from shared.web.connections import serve
from tests.web_console import browser as chromium


@pytest.fixture(scope="module")
def browser_session():
    if not chromium.available():
        message = "Debian's chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)"
        if os.environ.get("CI"):
            pytest.fail(message)   # CI must install them: a skipped browser journey proves nothing
        pytest.skip(message)
    browser = chromium.start_chromium()
    yield browser
    browser.quit()


def console_settings(services, amqp_uri):
    """Settings pointing at the started services; any not started point at a closed port."""
    urls = {name: "http://127.0.0.1:9" for name in suite_config.SERVICES}
    urls.update({service.name: service.base_url for service in services})
    return ConsoleSettings(service_urls=urls, signing_key_file=session_keys().private_file, amqp_uri=amqp_uri,
                           refresh_seconds=2)


@pytest.fixture
def start_console(rabbit_config):
    """start_console(*running_services, **settings) -> the console's base URL, served in this process
    as `python -m services.web_console` serves it."""
    servers = []

    def start(*services, **settings):
        listener = eventlet.listen(("127.0.0.1", 0))
        options = dataclasses.replace(console_settings(services, rabbit_config["AMQP_URI"]), **settings)
        servers.append((eventlet.spawn(serve, listener, Console(options), options.http_limits, log_output=False),
                        listener))
        return "http://127.0.0.1:%d" % listener.getsockname()[1]

    yield start
    for server, listener in servers:
        server.kill()
        listener.close()


@pytest.fixture
def browser(browser_session):
    browser_session.driver.delete_all_cookies()
    return browser_session
