"""Fixtures for every test: a fresh database per service per test, running services,
a storefront publishing to the test's own vhost."""
import importlib
import os

import pytest
from kombu import Connection

from shared.messaging.topology import declare, events_exchange
from shared.testing.databases import TestDatabases
from shared.testing.oidc_provider import ProviderSetup, running_oidc_provider
from shared.testing.services import RunningService, service_test_config
from tools import storefront

# The machine's broker is shared by every test, and the tests delete fresh vhosts all the time: on
# RabbitMQ 3.10.8, deleting an at-least-once dead-lettering quorum queue while its dead-letter worker
# starts takes the broker's dead-letter supervisor down for good (rabbitmq-server #16652), and every
# test after it with it. Here the quorum queues dead-letter at-most-once; the cluster tests, on brokers
# of their own, run with the production default (tests/cluster/conftest.py).
os.environ.setdefault("AMQP_DEAD_LETTER_STRATEGY", "at-most-once")


@pytest.fixture(scope="session")
def test_databases(tmp_path_factory):
    databases = TestDatabases(str(tmp_path_factory.mktemp("databases")))
    yield databases
    databases.drop_all()


@pytest.fixture
def fresh_database_url(test_databases):
    """fresh_database_url('order_review') -> URL of a new migrated database."""
    return test_databases.fresh_url


@pytest.fixture
def make_config(rabbit_config, fresh_database_url):
    def make(service, **overrides):
        overrides.setdefault("DATABASE_URL", fresh_database_url(service))
        return service_test_config(service, rabbit_config["AMQP_URI"], **overrides)
    return make


def service_module(service):
    return importlib.import_module(f"services.{service}.service")


@pytest.fixture
def start_service(container_factory, make_config):
    """start_service('order_review', **config_overrides) -> RunningService, started."""
    def start(service, config=None, **overrides):
        module = service_module(service)
        config = config or make_config(service, **overrides)
        container = container_factory(module.SERVICE, config)
        container.start()
        models = importlib.import_module(f"services.{service}.models")
        return RunningService(service, container, config, models.Base)
    return start


@pytest.fixture
def amqp_connection(rabbit_config):
    with Connection(rabbit_config["AMQP_URI"], transport_options={"confirm_publish": True}) as connection:
        yield connection


@pytest.fixture
def publish_order(amqp_connection):
    """publish_order(event=None, **make_order_kwargs) -> the event published as the storefront would,
    to its exchange declared as deploy declares it (the storefront itself only publishes)."""
    declare(amqp_connection, [], exchanges=[events_exchange("storefront")])

    def publish(event=None, raw_body=None, **kwargs):
        event = event or storefront.make_order(**kwargs)
        storefront.publish(amqp_connection, event, raw_body=raw_body)
        return event
    return publish


@pytest.fixture(scope="module")
def oidc_provider_setup():
    """What the module's OpenID provider knows (accounts, the client's redirect URI): override it in a
    module to change them."""
    return ProviderSetup()


@pytest.fixture(scope="module")
def oidc_provider(oidc_provider_setup, tmp_path_factory):
    """A real OpenID Connect provider (npm `oidc-provider`) on a free loopback port for the module:
    `.issuer`, `.setup` (client id, secret, redirect URI), `.sign_in(url, login, password)`."""
    with running_oidc_provider(oidc_provider_setup, tmp_path_factory.mktemp("oidc-provider")) as provider:
        yield provider
