"""The suite on a three-node cluster with quorum queues (issue 21): while orders flow, the node that
leads the busiest queues is killed with SIGKILL and restarted later. Every order ships exactly once,
the stock is exact, the outboxes drain and nothing lands in a dead-letter queue.

Every service runs as its own process (as in production, `tools/bench/suite.py`), each given the
three nodes in its own order, so the services are spread over the nodes."""
import os
import threading
import time
from collections import Counter

import pytest
import sqlalchemy as sa

from shared.config import SERVICES
from shared.messaging.dead_letters import list_dead_letters, list_unrouted
from shared.messaging.publisher import ConfirmedPublisher
from shared.testing.keys import new_key_pair
from shared.testing.polling import wait_for
from tools.bench import timeline, warehouse
from tools.bench.databases import DEFAULT_POSTGRES_URL, Databases
from tools.bench.scanners import Floor
from tools.bench.storefront_load import bench_orders
from tools.bench.suite import Suite
from tools.storefront import EXCHANGE

pytestmark = pytest.mark.cluster

ORDERS = 150
RATE = 15.0          # orders per second
KILL_AT = ORDERS // 3   # orders placed when the node dies
DOWN_FOR = 10.0      # seconds the node stays dead
STATIONS = 4


class ClusterSuite(Suite):
    """Each service lists the nodes starting at a different one."""

    def __init__(self, cluster, *args, **kwargs):
        super().__init__(cluster.uris(), *args, **kwargs)
        self.cluster = cluster

    def env(self, ports=None):
        env = super().env(ports)
        if ports:
            service = next(iter(ports))
            env["AMQP_URI"] = self.cluster.uris(rotate=SERVICES.index(service))
        return env


def place(uri, orders, placed, problems):
    """The storefront: each order published until the broker confirms it (a node dying under it means
    publishing it again, perhaps twice: review's inbox skips the second)."""
    publisher, started = ConfirmedPublisher(uri), time.monotonic()
    for n, event in enumerate(orders):
        time.sleep(max(0.0, started + n / RATE - time.monotonic()))
        for attempt in range(60):
            try:
                publisher.publish(event, exchange=EXCHANGE.name, routing_key="order_placed")
                break
            except Exception as exc:   # the node went away mid-publish: again, on another
                problems.append(f"{event['order']['order_no']}: {type(exc).__name__}")
                publisher = ConfirmedPublisher(uri)
                time.sleep(0.5)
        placed[event["order"]["order_no"]] = time.time()


def unsent(engine):
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(timeline.OUTBOX)
                            .where(timeline.OUTBOX.c.published_at.is_(None))).scalar()


def shipped(engine):
    """Orders shipped so far; 0 while the database refuses a look (a PostgreSQL shared with other work
    may be at its connection limit for a moment)."""
    try:
        return timeline.count_events(engine, "order_shipped")
    except sa.exc.OperationalError:
        return 0


def busiest_leader(cluster):
    """The node that leads the most consumer queues of the flow (deploy declared them all through
    one node, which so leads them all)."""
    leaders = Counter(leader for queue, leader in cluster.leaders().items() if queue.startswith("evt-"))
    name, led = leaders.most_common(1)[0]
    return cluster.node_named(name), led, sum(leaders.values())


def test_a_node_killed_mid_flow_loses_no_order_and_ships_none_twice(cluster, tmp_path):
    postgres = os.environ.get("TEST_DB") == "postgres"
    with Databases(os.environ.get("TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL) if postgres else None) as databases, \
            ClusterSuite(cluster, databases.urls, new_key_pair(tmp_path / "keys"), str(tmp_path / "logs"),
                         extra_env={"RETRY_DELAYS_MS": "500,1000,2000"}) as suite:
        suite.deploy()
        suite.start()
        suite.wait_healthy(timeout=120)
        warehouse.load_stock(suite, ORDERS)
        warehouse.load_waybill_ranges(suite, ORDERS)
        engines = {service: databases.engine(service) for service in databases.urls}
        orders = bench_orders(ORDERS, databases.run_id)
        victim, led, queues = busiest_leader(cluster)

        floor = Floor(suite, STATIONS)
        floor.start()
        placed, problems = {}, []
        storefront = threading.Thread(target=place, args=(cluster.uris(rotate=1), orders, placed, problems))
        storefront.start()
        try:
            wait_for(lambda: len(placed) >= KILL_AT, timeout=60)
            killed_at = time.monotonic()
            cluster.kill(victim)
            in_flight = ORDERS - shipped(engines["shipping_labels"])
            print(f"\nkilled {victim.name}, leader of {led} of {queues} consumer queues, with {len(placed)} orders "
                  f"placed and {in_flight} not shipped yet")
            assert in_flight > ORDERS - KILL_AT   # mid-flow: orders placed and not shipped when it died
            time.sleep(DOWN_FOR)
            cluster.restart(victim)
            print(f"restarted it {time.monotonic() - killed_at:.1f} s after the kill; {len(placed)} orders in")
            storefront.join(timeout=120)
            wait_for(lambda: shipped(engines["shipping_labels"]) >= ORDERS, timeout=240, interval=0.5)
            print(f"all {ORDERS} orders shipped {time.monotonic() - killed_at:.1f} s after the kill; "
                  f"storefront re-published {len(problems)} time(s)")
        finally:
            floor.stop()
            storefront.join(timeout=30)

        timeline.settle(engines)
        stages, repeats = timeline.read(engines, placed)
        assert sum(1 for reached in stages.values() if "shipped" in reached) == ORDERS
        assert repeats == {stage: 0 for stage in repeats}, repeats          # no stage twice for any order
        assert warehouse.stock_problems(suite, orders, stages) == []
        assert not floor.stats.failures, floor.stats.failures[:5]
        for service, engine in engines.items():                             # the outboxes drain
            wait_for(lambda: unsent(engine) == 0, timeout=60, message=f"{service}'s outbox did not drain")
        uri = cluster.uris()
        for service in SERVICES:
            assert list_dead_letters(uri, service) == [], service
        assert list_unrouted(uri, "storefront") == []
