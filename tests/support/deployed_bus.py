"""The suite's broker users in a test's own vhost, as deploy makes them (issue #17), and the topology declared
as deploy declares it: for tests whose parts sign in as themselves (tests/reliability/test_bus_permissions.py,
tests/e2e/test_storefront_feed.py). Users are made through the management API as `guest` (the tests may; nothing
of the suite does) with a unique prefix, and deleted at the end."""
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from shared.bus_credentials import DEPLOY, bus_uri
from shared.messaging.broker_admin import ManagementApi
from shared.messaging.bus_users import set_up_users, suite_permissions
from tools import declare_topology

ADMIN_API = "http://guest:guest@127.0.0.1:15672/"


@dataclass
class Bus:
    """The suite's users in the test's vhost, as deploy makes them."""
    base_uri: str     # the broker and vhost, no credentials
    prefix: str
    directory: Path

    def uri(self, part):
        return bus_uri(part, {"AMQP_URI": self.base_uri, "BUS_USER_PREFIX": self.prefix}, self.directory)


def without_credentials(uri):
    parts = urlsplit(uri)
    return urlunsplit(parts._replace(netloc=f"{parts.hostname}:{parts.port or 5672}"))


@pytest.fixture
def admin():
    return ManagementApi(ADMIN_API)


@pytest.fixture
def bus(container_factory, rabbit_config, tmp_path, admin):
    # after container_factory: its services stop before their users are deleted
    bus = Bus(without_credentials(rabbit_config["AMQP_URI"]), f"t{uuid.uuid4().hex[:10]}-", tmp_path / "secrets")
    try:
        set_up_users(admin, rabbit_config["vhost"], prefix=bus.prefix, directory=bus.directory)
        yield bus
    finally:
        for part in suite_permissions():
            admin.delete_user(bus.prefix + part)


@pytest.fixture
def deployed(bus, monkeypatch):
    """The topology declared as deploy declares it, with deploy's own user."""
    monkeypatch.setenv("AMQP_URI", bus.uri(DEPLOY))
    assert declare_topology.main([]) == 0
    return bus
