"""Issue #17, "The bus": who may do what, computed from the topology; passwords generated once and kept
out of the repository; each part connecting as itself. Plain rules, no broker (the broker's own word on
these patterns is in tests/reliability/test_bus_permissions.py)."""
import base64
import hashlib
import json
import re
import stat

import pytest

from shared import config
from shared.bus_credentials import (
    CONSOLE, DEPLOY, STOREFRONT, MissingCredentials, bus_uri, ensure_password, password_file, replace_password,
)
from shared.messaging import broker_admin
from shared.messaging.bus_users import suite_permissions
from shared.messaging.deploy import consumer_queues
from shared.messaging.permissions import FULL, Permissions
from shared.messaging.topology import (
    consumer_queue_name, dead_letter_queue_name, delay_queue, events_exchange, retry_exchange, unrouted_queue,
)
from shared.service_registry import service_class
from tools import bus_users as bus_users_cli

PERMISSIONS = suite_permissions()
DELAYS = (50, 1000, 30000)


def allows(pattern, name):
    return re.search(pattern, name) is not None   # as RabbitMQ applies a pattern: anywhere in the name


def own_names(service):
    """Every exchange and queue name the service declares, binds, publishes to or reads."""
    names = {events_exchange(service).name, unrouted_queue(service).name, retry_exchange(service).name,
             dead_letter_queue_name(service)} | {delay_queue(service, ms).name for ms in DELAYS}
    return names | {queue.name for queue in consumer_queues(service, service_class(service))}


def sources(service):
    return {source for source in config.SERVICES + config.OUTSIDE_PUBLISHERS
            if any(q.name.startswith(f"evt-{source}-") for q in consumer_queues(service, service_class(service)))}


def test_every_part_that_connects_has_its_own_user():
    assert set(PERMISSIONS) == set(config.SERVICES) | {STOREFRONT, CONSOLE, DEPLOY}


@pytest.mark.parametrize("service", config.SERVICES)
def test_a_service_may_configure_write_and_read_all_of_its_own_and_nothing_of_anyone_elses(service):
    allowed = PERMISSIONS[service]
    for name in own_names(service):
        assert allows(allowed.configure, name) and allows(allowed.write, name) and allows(allowed.read, name), name
    for other in set(config.SERVICES) - {service}:
        for name in own_names(other):
            assert not allows(allowed.configure, name), name
            assert not allows(allowed.write, name), name
            # read: only another's events exchange, and only of one it consumes from
            assert allows(allowed.read, name) == (name == f"{other}.events" and other in sources(service)), name
    for name in ("amq.default", "", "storefront.events", "storefront.unrouted", "amq.topic"):
        assert not allows(allowed.write, name) and not allows(allowed.configure, name), name


def test_a_service_reads_exactly_the_events_exchanges_it_consumes_from():
    readable = {source for source in config.SERVICES + config.OUTSIDE_PUBLISHERS
                if allows(PERMISSIONS["picking_packing"].read, f"{source}.events") and source != "picking_packing"}
    assert readable == {"order_review", "after_sales", "shipping_labels"}
    assert allows(PERMISSIONS["order_review"].read, "storefront.events")


@pytest.mark.parametrize("name", [
    "order_review.events2", "xorder_review.events", "order_review.events.x", "order_review.delay.",
    "order_review.delay.1000x", "order_review.delay.-1",
    consumer_queue_name("storefront", "order_placed", "order_review", "on_order_placed") + "x",
    consumer_queue_name("storefront", "order_placed", "order_review", "spy"),
    consumer_queue_name("picking_packing", "stock_reserved", "order_review", "on_order_placed"),
])
def test_names_next_to_a_services_own_are_not_its_own(name):
    """The patterns are anchored and list its queues exactly: one that deploy did not grant, even
    in its own namespace, is refused."""
    allowed = PERMISSIONS["order_review"]
    assert not allows(allowed.configure, name) and not allows(allowed.write, name) and not allows(allowed.read, name)


def test_the_storefront_only_publishes_to_its_events_exchange_and_reads_its_own_feed():
    assert PERMISSIONS[STOREFRONT] == Permissions("^$", "^(?:storefront\\.events)$", "^(?:storefront\\.feed)$")
    every_name = set().union(*(own_names(s) for s in config.SERVICES)) | {"amq.default", "storefront.unrouted"}
    for name in every_name | {"storefront.feed2", "xstorefront.feed", "storefront.feed.x"}:
        assert not any(allows(p, name) for p in (PERMISSIONS[STOREFRONT].configure, PERMISSIONS[STOREFRONT].read))
        assert not allows(PERMISSIONS[STOREFRONT].write, name)
    assert allows(PERMISSIONS[STOREFRONT].write, "storefront.events")
    assert allows(PERMISSIONS[STOREFRONT].read, "storefront.feed")
    assert not allows(PERMISSIONS[STOREFRONT].write, "storefront.feed")


def test_the_console_only_reads_the_dead_letters_and_replays_them_and_deploy_may_do_everything():
    console = PERMISSIONS[CONSOLE]
    every_name = set().union(*(own_names(s) for s in config.SERVICES))
    assert {n for n in every_name if allows(console.read, n)} == {dead_letter_queue_name(s) for s in config.SERVICES}
    assert {n for n in every_name | {"amq.default"} if allows(console.write, n)} == \
        {retry_exchange(s).name for s in config.SERVICES}
    assert not any(allows(console.configure, n) for n in every_name | {"amq.default"})
    assert PERMISSIONS[DEPLOY] == FULL


# -- passwords ---------------------------------------------------------------------------------------

def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_a_password_is_generated_once_readable_by_its_owner_only_and_kept(tmp_path):
    first = ensure_password("order_review", tmp_path)
    assert len(first) >= 40 and ensure_password("order_review", tmp_path) == first
    assert ensure_password("storefront", tmp_path) != first
    path = password_file("order_review", tmp_path)
    assert (mode(path), mode(path.parent)) == (0o600, 0o700)


def test_rotating_replaces_the_stored_password(tmp_path):
    old = ensure_password("picking_packing", tmp_path)
    new = replace_password("picking_packing", tmp_path)
    assert new != old and ensure_password("picking_packing", tmp_path) == new
    assert mode(password_file("picking_packing", tmp_path)) == 0o600


def test_each_part_connects_as_its_own_user_with_its_stored_password(tmp_path):
    password = ensure_password("t1-picking_packing", tmp_path)
    environ = {"AMQP_URI": "amqp://broker:5672/shop", "BUS_USER_PREFIX": "t1-"}
    assert bus_uri("picking_packing", environ, tmp_path) == f"amqp://t1-picking_packing:{password}@broker:5672/shop"
    with pytest.raises(MissingCredentials, match="run `python -m tools.deploy` first"):
        bus_uri("shipping_labels", environ, tmp_path)
    # credentials written into AMQP_URI win (the tests' and the benchmark's own vhosts)
    assert bus_uri("picking_packing", {"AMQP_URI": "amqp://a:b@broker/"}, tmp_path) == "amqp://a:b@broker/"


def test_the_suites_processes_never_sign_in_as_guest(tmp_path, monkeypatch):
    """`make run` starts each service with `service_config` and the console with `from_env`: neither
    has credentials of its own in the environment, so each takes its own user's."""
    from services.web_console.settings import ConsoleSettings

    monkeypatch.setattr(config, "VAR_DIR", tmp_path)
    monkeypatch.delenv("AMQP_URI", raising=False)
    monkeypatch.delenv("BUS_USER_PREFIX", raising=False)
    with pytest.raises(MissingCredentials):
        config.service_config("order_review")
    passwords = {part: ensure_password(part) for part in ("order_review", CONSOLE)}
    assert config.service_config("order_review")["AMQP_URI"] == \
        f"amqp://order_review:{passwords['order_review']}@localhost:5672/"
    assert ConsoleSettings.from_env({}).amqp_uri == f"amqp://web_console:{passwords[CONSOLE]}@localhost:5672/"


# -- the broker's administrator ------------------------------------------------------------------------

def test_the_definitions_carry_rabbitmqs_salted_hash_not_the_password():
    document = broker_admin.definitions("shop", {"u1": ("s3cret-pw", Permissions("^a$", "^b$", "^c$"))})
    (user,) = document["users"]
    raw = base64.b64decode(user["password_hash"])
    salt, digest = raw[:4], raw[4:]
    assert digest == hashlib.sha256(salt + b"s3cret-pw").digest()
    assert user["tags"] == [] and user["hashing_algorithm"] == "rabbit_password_hashing_sha256"
    assert document["permissions"] == [{"user": "u1", "vhost": "shop", "configure": "^a$", "write": "^b$",
                                        "read": "^c$"}]
    assert "s3cret-pw" not in json.dumps(document)


def test_deploy_administers_a_local_broker_with_rabbitmqctl_and_a_remote_one_only_through_its_api(tmp_path):
    assert isinstance(broker_admin.broker_admin("amqp://localhost:5672/", {}), broker_admin.Rabbitmqctl)
    with pytest.raises(broker_admin.AdminUnavailable, match="RABBITMQ_ADMIN_URI"):
        broker_admin.broker_admin("amqp://rabbitmq:5672/", {})
    secret = tmp_path / "admin-password"
    secret.write_text("from-a-file\n")
    api = broker_admin.broker_admin("amqp://rabbitmq:5672/", {"RABBITMQ_ADMIN_URI": "http://admin@rabbitmq:15672/",
                                                              "RABBITMQ_ADMIN_PASSWORD_FILE": str(secret)})
    assert (api.base, api.session.auth) == ("http://rabbitmq:15672/api", ("admin", "from-a-file"))
    with pytest.raises(broker_admin.AdminUnavailable, match="password can't be read"):
        broker_admin.broker_admin("amqp://rabbitmq:5672/", {"RABBITMQ_ADMIN_URI": "http://admin@rabbitmq:15672/",
                                                            "RABBITMQ_ADMIN_PASSWORD_FILE": str(tmp_path / "none")})


def test_the_compose_brokers_administrator_is_generated_once_as_configuration(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "VAR_DIR", tmp_path)
    assert bus_users_cli.main(["broker-admin"]) == 0
    password = password_file("admin").read_text().strip()
    conf = password_file("admin").with_name("rabbitmq.conf")
    assert f"default_user = admin\ndefault_pass = {password}\n" in conf.read_text() and mode(conf) == 0o600
    assert bus_users_cli.main(["broker-admin"]) == 0
    assert password_file("admin").read_text().strip() == password


# -- docker-compose ------------------------------------------------------------------------------------

def compose(name="docker-compose.yml"):
    import yaml
    return yaml.safe_load((config.ROOT / name).read_text())


def test_compose_keeps_the_broker_to_itself_and_gives_each_container_its_own_password_only():
    services = compose()["services"]
    assert "guest" not in json.dumps(services).lower()
    assert "ports" not in services["rabbitmq"]
    apps = [name for name, spec in services.items() if spec.get("environment", {}).get("AMQP_URI")]
    assert set(apps) == set(config.SERVICES) | {CONSOLE, "migrate"}
    for name in apps:
        assert "@" not in services[name]["environment"]["AMQP_URI"], name
    for name in set(apps) - {"migrate"}:
        bus_volumes = [volume for volume in services[name]["volumes"] if volume.startswith("bus-")]
        assert bus_volumes == [f"bus-{name}:/app/var/secrets/rabbitmq/{name}:ro"]
    mounted = {volume.split(":")[0] for volume in services["migrate"]["volumes"]}
    assert {volume for volume in mounted if volume.startswith(("bus-", "broker-"))} == \
        {f"bus-{name}" for name in set(apps) - {"migrate"}} | {"bus-users", "broker-admin"}


def test_compose_gives_the_signing_key_to_identity_and_migrate_only():
    services = compose()["services"]
    holders = {name for name, spec in services.items()
               if any(volume.startswith("signing-key:") for volume in spec.get("volumes", []))}
    assert holders == {"identity", "migrate"}
    for name in set(config.SERVICES) - {"identity"}:
        assert "public-key:/keys/public:ro" in services[name]["volumes"], name


def test_publishing_the_brokers_ports_is_a_choice_and_only_on_loopback():
    ports = compose("deploy/compose-broker-ports.yml")["services"]["rabbitmq"]["ports"]
    assert ports and all(port.startswith("127.0.0.1:") for port in ports)
