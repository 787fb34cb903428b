"""The console running in the test process against real services (identity included), and a headless
Chromium signing people in with real accounts."""
import dataclasses
import os
from urllib.parse import urlparse

import eventlet
import pytest
from nameko.containers import ServiceContainer

from services.identity.models import Base as IdentityBase
from services.web_console import csrf
from services.web_console.app import Console
from services.web_console.settings import ConsoleSettings
from shared import config as suite_config
from shared.secret_files import write_secret
from shared.service_registry import service_class
from shared.testing.identity import IdentityClient
from shared.testing.services import RunningService, service_test_config
from shared.web.connections import serve
from tests.web_console import browser as chromium


@pytest.fixture(scope="module")
def browser_session():
    browser = chromium.start_chromium_or_skip()
    yield browser
    browser.quit()


@pytest.fixture(scope="module")
def console_identity_config():
    """Identity's config beyond the tests' defaults (a module with single sign-on overrides it)."""
    return {}


@pytest.fixture(scope="module")
def console_identity(request, vhost_pipeline, test_databases, tmp_path_factory, console_identity_config):
    """One identity service per test module (its own vhost and database), with the console's API key:
    the people a module signs in are made once (each costs a few argon2 hashes)."""
    broker = urlparse(request.config.getoption("RABBIT_AMQP_URI"))
    with vhost_pipeline.get() as vhost:
        config = service_test_config("identity", f"{broker.scheme}://{broker.netloc}/{vhost}",
                                     DATABASE_URL=test_databases.fresh_url("identity"), **console_identity_config)
        container = ServiceContainer(service_class("identity"), config)
        container.start()
        try:
            client = IdentityClient(RunningService("identity", container, config, IdentityBase))
            made = client.as_admin("POST", "/api-keys", json={"role": "console", "subject": "web-console"})
            secrets_dir = tmp_path_factory.mktemp("console")
            client.console_key_file = str(secrets_dir / "console-api-key")
            write_secret(client.console_key_file, made.json()["key"])
            client.console_csrf_key_file = str(secrets_dir / "console-csrf-key")   # the console's own, as deploy makes it
            write_secret(client.console_csrf_key_file, csrf.new_key())
            yield client
        finally:
            container.stop()


def console_settings(services, amqp_uri, identity):
    """Settings pointing at the started services and identity; any not started point at a closed port."""
    urls = {name: "http://127.0.0.1:9" for name in suite_config.SERVICES}
    urls.update({service.name: service.base_url for service in services})
    urls["identity"] = identity.service.base_url
    return ConsoleSettings(service_urls=urls, api_key_file=identity.console_key_file,
                           csrf_key_file=identity.console_csrf_key_file, amqp_uri=amqp_uri, refresh_seconds=2)


@pytest.fixture
def start_console(rabbit_config, console_identity):
    """start_console(*running_services, listener=None, **settings) -> the console's base URL, served in
    this process as `python -m services.web_console` serves it, signing people in at the module's
    identity; on `listener` when given (the caller keeps it: a module's fixed address), else a free port."""
    servers = []

    def start(*services, listener=None, **settings):
        owned = listener is None
        listener = listener or eventlet.listen(("127.0.0.1", 0))
        options = dataclasses.replace(console_settings(services, rabbit_config["AMQP_URI"], console_identity),
                                      **settings)
        servers.append((eventlet.spawn(serve, listener, Console(options), options.http_limits, log_output=False),
                        listener if owned else None))
        return "http://%s:%d" % listener.getsockname()[:2]

    yield start
    for server, listener in servers:
        server.kill()
        if listener is not None:
            listener.close()


@pytest.fixture
def browser(browser_session, console_identity):
    browser_session.driver.delete_all_cookies()
    browser_session.identity = console_identity
    return browser_session
