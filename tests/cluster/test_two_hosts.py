"""Two hosts (issue 21): picking_packing and shipping_labels each run one instance on each of two
"hosts", network namespaces the test makes with `ip netns` and veth pairs (shared/testing/hosts.py),
against PostgreSQL and the three-node cluster, both reached over the veth (a relay per host to
PostgreSQL and to each node). The other services run in the root namespace. While orders flow, every
process of host A is SIGKILLed; host B carries on: every order ships exactly once (no effect twice),
the stock is exact, the outboxes drain (host A's unsent events go out through B's relay once A's
advisory lock dies with its connection) and nothing lands in a dead-letter queue.

The floor's scanners talk to host B, as a load balancer would once A stops answering; host A's part
is the message work (competing consumers on the same queues, checked before the kill).
If network namespaces can't be made here, the test says so and skips. PostgreSQL only: two
processes of one service share a database (SQLite is for one process per database)."""
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from functools import partial

import pytest
import sqlalchemy as sa
from nameko.testing.utils import find_free_port

from shared.config import ROOT, SERVICES
from shared.db.engine import normalize_url
from shared.testing import hosts as hosts_module
from shared.testing.polling import wait_for
from tests.cluster.flow import ClusterSuite, Flow, postgres_url, running_suite
from tools.bench.suite import ServiceProcess

pytestmark = pytest.mark.cluster

HOSTED = ("picking_packing", "shipping_labels")
ORDERS = 100
KILL_AT = ORDERS // 3


@dataclass
class HostedProcess(ServiceProcess):
    address: str = "127.0.0.1"
    host: str = "root"

    @property
    def base_url(self):
        return f"http://{self.address}:{self.port}"


class HostsSuite(ClusterSuite):
    """The hosted services once per host (inside its namespace), the others once in the root one, every
    process given the three nodes in its own order. HTTP for the hosted services goes to `serving`, the
    host that stays up."""

    def __init__(self, hosts, cluster, *args, **kwargs):
        super().__init__(cluster, *args, **kwargs)
        self.hosts = hosts
        self.serving = hosts.hosts[-1]

    def hosted_env(self, index, host, service, port):
        env = self.env({service: port})
        env["HTTP_HOST"] = "0.0.0.0"
        env["AMQP_URI"] = self.cluster.uris(rotate=SERVICES.index(service) + index, host=host.gateway)
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
                        popen = self.hosts.popen(host, command, cwd=ROOT,
                                                 env=self.hosted_env(instance, host, service, port),
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


@pytest.fixture(scope="module")
def hosts():
    """Two hosts, or a skip before the cluster starts if they can't be made or used here."""
    if os.environ.get("TEST_DB") != "postgres":
        pytest.skip("two processes of a service share its database: PostgreSQL only (the TEST_DB=postgres pass)")
    why_not = hosts_module.available()
    if why_not:
        pytest.skip(f"no network namespaces here: {why_not}")
    why_not = postgres_unreachable(postgres_url())
    if why_not:
        pytest.skip(f"two hosts share PostgreSQL, which does not answer: {why_not}")
    with hosts_module.Hosts(2) as made:
        yield made


def consumers(cluster, service):
    """{queue: consumer count} for `service`'s consumer queues."""
    out = cluster.ctl(cluster.running()[0], "list_queues", "--no-table-headers", "name", "consumers").stdout
    rows = (line.split("\t") for line in out.splitlines() if "\t" in line)
    return {name: int(count) for name, count in rows if f"--{service}." in name}


def test_one_host_killed_mid_flow_the_other_carries_on(hosts, cluster, tmp_path):
    hosts.forward(sa.engine.make_url(postgres_url()).port or 5432)
    for node in cluster.nodes:
        hosts.forward(node.port)
    doomed, survivor = hosts.hosts
    with running_suite(tmp_path, partial(HostsSuite, hosts, cluster), postgres=True) as (suite, databases):
        for service in HOSTED:   # both hosts consume every queue of both services
            wait_for(lambda: set(consumers(cluster, service).values()) == {2}, timeout=60, interval=0.5,
                     message=f"{service}: not two consumers on every queue")
        with Flow(suite, databases, cluster.uris(rotate=1), ORDERS) as flow:
            flow.wait_placed(KILL_AT)
            killed_at = time.monotonic()
            victims = suite.on(doomed)
            for process in victims:
                os.kill(process.popen.pid, signal.SIGKILL)
            for process in victims:
                process.popen.wait(timeout=30)
            in_flight = flow.in_flight(KILL_AT)
            print(f"\nkilled host {doomed.name} ({', '.join(p.service for p in victims)}) with "
                  f"{len(flow.placed)} orders placed and {in_flight} not shipped yet")
            wait_for(lambda: all(set(consumers(cluster, s).values()) == {1} for s in HOSTED), timeout=60,
                     message="the dead host's consumers never left the queues")
            flow.wait_all_shipped(timeout=180)
            print(f"all {ORDERS} orders shipped {time.monotonic() - killed_at:.1f} s after the kill, "
                  f"host {survivor.name} alone")
        flow.check()
