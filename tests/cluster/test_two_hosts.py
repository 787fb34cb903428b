"""Two hosts (issue 21): picking_packing and shipping_labels each run one instance on each of two
"hosts", network namespaces the test makes with `ip netns` and veth pairs (shared/testing/hosts.py),
against PostgreSQL and a broker of our own, both reached over the veth. The other services run in
the root namespace. While orders flow, every process of host A is SIGKILLed; host B carries on:
every order ships exactly once (no effect twice), the stock is exact, the outboxes drain (host A's
unsent events go out through B's relay once A's advisory lock dies with its connection) and nothing
lands in a dead-letter queue.

The floor's scanners talk to host B, as a load balancer would once A stops answering; host A's part
is the message work (competing consumers on the same queues, checked before the kill).
If network namespaces can't be made here, the test says so and skips. PostgreSQL only: two
processes of one service share a database (SQLite is for one process per database)."""
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from nameko.testing.utils import find_free_port

from shared.config import ROOT, SERVICES
from shared.db.engine import normalize_url
from shared.messaging.dead_letters import list_dead_letters, list_unrouted
from shared.testing import hosts as hosts_module
from shared.testing.cluster import RabbitCluster, available
from shared.testing.keys import new_key_pair
from shared.testing.polling import wait_for
from tests.cluster import test_node_loss as node_loss
from tools.bench import timeline, warehouse
from tools.bench.databases import DEFAULT_POSTGRES_URL, Databases
from tools.bench.scanners import Floor
from tools.bench.storefront_load import bench_orders
from tools.bench.suite import ServiceProcess, Suite

# Not yet in CI: it passed in repeated runs here, but has not yet been through a CI run from a clean
# clone; CLUSTER_MORE=1 runs it (issue #21).
pytestmark = [pytest.mark.cluster, pytest.mark.skipif(os.environ.get("CLUSTER_MORE") != "1",
                                                     reason="the two-hosts test runs with CLUSTER_MORE=1 (not yet in CI)")]

HOSTED = ("picking_packing", "shipping_labels")
ORDERS = 150
KILL_AT = ORDERS // 3
STATIONS = 4


@dataclass
class HostedProcess(ServiceProcess):
    address: str = "127.0.0.1"
    host: str = "root"

    @property
    def base_url(self):
        return f"http://{self.address}:{self.port}"


class HostsSuite(Suite):
    """The hosted services once per host (inside its namespace), the others once in the root one.
    HTTP for the hosted services goes to `serving`, the host that stays up."""

    def __init__(self, hosts, broker, *args, **kwargs):
        super().__init__(broker.uris(), *args, **kwargs)
        self.hosts, self.broker = hosts, broker
        self.serving = hosts.hosts[-1]

    def hosted_env(self, host, service, port):
        env = self.env({service: port})
        env["HTTP_HOST"] = "0.0.0.0"
        env["AMQP_URI"] = ";".join(f"amqp://guest:guest@{host.gateway}:{node.port}/" for node in self.broker.nodes)
        for name, url in list(env.items()):
            if name.endswith("_DATABASE_URL") and url.startswith("postgresql"):
                env[name] = sa.engine.make_url(url).set(host=host.gateway).render_as_string(hide_password=False)
        return env

    def start(self):
        os.makedirs(self.log_dir, exist_ok=True)
        for service in SERVICES:
            places = [(h, h.address) for h in self.hosts.hosts] if service in HOSTED else [(None, "127.0.0.1")]
            for instance, (host, address) in enumerate(places):
                port = find_free_port()
                log_path = os.path.join(self.log_dir, f"{service}.{host.name if host else 'root'}.log")
                command = [sys.executable, "-m", "shared.run", service]
                with open(log_path, "wb") as log:
                    if host:
                        popen = self.hosts.popen(host, command, cwd=ROOT, env=self.hosted_env(host, service, port),
                                                 stdout=log, stderr=subprocess.STDOUT)
                    else:
                        popen = subprocess.Popen(command, cwd=ROOT, env=self.env({service: port}),
                                               stdout=log, stderr=subprocess.STDOUT)
                self.processes.append(HostedProcess(service, instance, port, popen, log_path,
                                                    address=address, host=host.name if host else "root"))

    def _serving(self, service):
        wanted = self.serving.name if service in HOSTED else "root"
        return [p for p in self.processes if p.service == service and p.host == wanted]

    def url(self, service, path, instance=0):
        return self._serving(service)[0].base_url + path

    def urls(self, service, path):
        return [p.base_url + path for p in self._serving(service)]

    def on(self, host):
        return [p for p in self.processes if p.host == host.name]


def postgres_unreachable(url):
    try:
        engine = sa.create_engine(normalize_url(url), poolclass=sa.pool.NullPool)
        with engine.connect():
            return None
    except Exception as exc:   # noqa: BLE001 - any reason is a reason to skip
        return f"{type(exc).__name__}: {str(exc)[:200]}"


def consumers(broker, service):
    """{queue: consumer count} for `service`'s consumer queues."""
    out = broker.ctl(broker.nodes[0], "list_queues", "--no-table-headers", "name", "consumers").stdout
    rows = (line.split("\t") for line in out.splitlines() if "\t" in line)
    return {name: int(count) for name, count in rows if f"--{service}." in name}


def unsent(engine):
    """Events not yet published, or None while a busy PostgreSQL refuses one more client."""
    try:
        return node_loss.unsent(engine)
    except sa.exc.OperationalError:
        return None


def test_one_host_killed_mid_flow_the_other_carries_on(tmp_path):
    why_not = hosts_module.available()
    if why_not:
        pytest.skip(f"no network namespaces here: {why_not}")
    if os.environ.get("TEST_DB") != "postgres":
        pytest.skip("two processes of a service share its database: PostgreSQL only (the TEST_DB=postgres pass)")
    postgres_url = os.environ.get("TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    why_not = postgres_unreachable(postgres_url)
    if why_not:
        pytest.skip(f"two hosts share PostgreSQL, which does not answer: {why_not}")
    _run(tmp_path, postgres_url)


def _run(tmp_path, postgres_url):
    why_not = available()
    if why_not:
        pytest.skip(f"no RabbitMQ node of our own can be started here: {why_not}")
    with RabbitCluster(size=1, prefix=f"h21{os.getpid() % 1000}") as broker, \
            hosts_module.Hosts(2) as hosts, \
            Databases(postgres_url) as databases, \
            HostsSuite(hosts, broker, databases.urls, new_key_pair(tmp_path / "keys"), str(tmp_path / "logs"),
                       extra_env={"RETRY_DELAYS_MS": "500,1000,2000"}) as suite:
        hosts.forward(sa.engine.make_url(postgres_url).port or 5432)
        for node in broker.nodes:
            hosts.forward(node.port)
        doomed, survivor = hosts.hosts
        suite.deploy()
        suite.start()
        suite.wait_healthy(timeout=120)
        warehouse.load_stock(suite, ORDERS)
        warehouse.load_waybill_ranges(suite, ORDERS)
        for service in HOSTED:   # both hosts consume every queue of both services
            wait_for(lambda: set(consumers(broker, service).values()) == {2}, timeout=60, interval=0.5,
                     message=f"{service}: not two consumers on every queue")
        engines = {service: databases.engine(service) for service in databases.urls}
        orders = bench_orders(ORDERS, databases.run_id)

        floor = Floor(suite, STATIONS)
        floor.start()
        placed, problems = {}, []
        storefront = threading.Thread(target=node_loss.place, args=(broker.uris(), orders, placed, problems))
        storefront.start()
        try:
            wait_for(lambda: len(placed) >= KILL_AT, timeout=60)
            killed_at = time.monotonic()
            victims = suite.on(doomed)
            for process in victims:
                os.kill(process.popen.pid, signal.SIGKILL)
            for process in victims:
                process.popen.wait(timeout=30)
            in_flight = ORDERS - node_loss.shipped(engines["shipping_labels"])
            print(f"\nkilled host {doomed.name} ({', '.join(p.service for p in victims)}) with {len(placed)} "
                  f"orders placed and {in_flight} not shipped yet")
            assert in_flight > ORDERS - KILL_AT
            wait_for(lambda: all(set(consumers(broker, s).values()) == {1} for s in HOSTED), timeout=60,
                     message="the dead host's consumers never left the queues")
            storefront.join(timeout=120)
            wait_for(lambda: node_loss.shipped(engines["shipping_labels"]) >= ORDERS, timeout=180, interval=0.5)
            print(f"all {ORDERS} orders shipped {time.monotonic() - killed_at:.1f} s after the kill, "
                  f"host {survivor.name} alone")
        finally:
            floor.stop()
            storefront.join(timeout=30)

        timeline.settle(engines)
        stages, repeats = timeline.read(engines, placed)
        assert sum(1 for reached in stages.values() if "shipped" in reached) == ORDERS
        assert repeats == {stage: 0 for stage in repeats}, repeats
        assert warehouse.stock_problems(suite, orders, stages) == []
        assert not floor.stats.failures, floor.stats.failures[:5]
        for service, engine in engines.items():
            wait_for(lambda: unsent(engine) == 0, timeout=60, message=f"{service}'s outbox did not drain")
        uri = broker.uris()
        for service in SERVICES:
            assert list_dead_letters(uri, service) == [], service
        assert list_unrouted(uri, "storefront") == []
