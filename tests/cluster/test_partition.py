"""A partition on a three-node cluster with `pause_minority` (issue 21): while orders flow, the node
that leads the busiest queues is cut off from the other two (iptables drops its Erlang distribution
traffic on loopback; AMQP to it still flows). It sees itself in the minority and pauses, closing its
clients' connections; they fail over to the majority, which elects new leaders. The partition is then
healed, the node rejoins, and the counts of the node-loss test hold: every order ships exactly once,
the stock is exact, the outboxes drain and nothing lands in a dead-letter queue. Every rule added is
removed, whatever happens (`RabbitCluster.cut_off`, and `stop()` heals what is left)."""
import os
import socket
import threading
import time

import pytest
import sqlalchemy as sa

from shared.config import SERVICES
from shared.messaging.dead_letters import list_dead_letters, list_unrouted
from shared.testing.cluster import RabbitCluster, available, can_cut
from shared.testing.keys import new_key_pair
from shared.testing.polling import wait_for
from tests.cluster import test_node_loss as node_loss
from tools.bench import timeline, warehouse
from tools.bench.databases import DEFAULT_POSTGRES_URL, Databases
from tools.bench.scanners import Floor
from tools.bench.storefront_load import bench_orders

# Not yet in CI: it passed in repeated runs here, but has not yet been through a CI run from a clean
# clone; CLUSTER_MORE=1 runs it (issue #21).
pytestmark = [pytest.mark.cluster, pytest.mark.skipif(os.environ.get("CLUSTER_MORE") != "1",
                                                     reason="the partition test runs with CLUSTER_MORE=1 (not yet in CI)")]

ORDERS = 150
CUT_AT = ORDERS // 3     # orders placed when the node is cut off
CUT_FOR = 10.0           # seconds the partition lasts once the node has paused
STATIONS = 4


def accepting(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
        return True
    except OSError:
        return False


def unsent(engine):
    """Events not yet published, or None while a busy PostgreSQL refuses one more client."""
    try:
        return node_loss.unsent(engine)
    except sa.exc.OperationalError:
        return None


@pytest.fixture(scope="module")
def cluster():
    why_not = available() or can_cut()
    if why_not:
        pytest.skip(f"no partitionable RabbitMQ cluster here: {why_not}")
    with RabbitCluster(prefix=f"p21{os.getpid() % 1000}", own_addresses=True) as started:
        yield started


def test_a_node_cut_off_mid_flow_pauses_and_loses_no_order(cluster, tmp_path):
    postgres = os.environ.get("TEST_DB") == "postgres"
    with Databases(os.environ.get("TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL) if postgres else None) as databases, \
            node_loss.ClusterSuite(cluster, databases.urls, new_key_pair(tmp_path / "keys"), str(tmp_path / "logs"),
                                   extra_env={"RETRY_DELAYS_MS": "500,1000,2000"}) as suite:
        suite.deploy()
        suite.start()
        suite.wait_healthy(timeout=120)
        warehouse.load_stock(suite, ORDERS)
        warehouse.load_waybill_ranges(suite, ORDERS)
        engines = {service: databases.engine(service) for service in databases.urls}
        orders = bench_orders(ORDERS, databases.run_id)
        victim, led, queues = node_loss.busiest_leader(cluster)
        majority = [node for node in cluster.nodes if node is not victim]

        floor = Floor(suite, STATIONS)
        floor.start()
        placed, problems = {}, []
        storefront = threading.Thread(target=node_loss.place,
                                      args=(cluster.uris(rotate=1), orders, placed, problems))
        storefront.start()
        heal = None
        try:
            wait_for(lambda: len(placed) >= CUT_AT, timeout=60)
            cut_at = time.monotonic()
            heal = cluster.cut_off(victim)
            in_flight = ORDERS - node_loss.shipped(engines["shipping_labels"])
            print(f"\ncut off {victim.name}, leader of {led} of {queues} consumer queues, with {len(placed)} "
                  f"orders placed and {in_flight} not shipped yet")
            assert in_flight > ORDERS - CUT_AT
            # the majority notices (net_ticktime 10 s) and carries on without it
            wait_for(lambda: cluster.running_nodes(majority[0]) == 2, timeout=90, interval=1,
                     message="the majority never noticed the partition")
            noticed = time.monotonic() - cut_at
            new_leaders = set(cluster.leaders(node=majority[0]).values())
            print(f"the majority saw it gone {noticed:.1f} s after the cut; queue leaders now on "
                  f"{sorted(new_leaders)}")
            # pause_minority: the cut-off node sees one node of three and pauses, closing its AMQP listener
            wait_for(lambda: not accepting(victim.port), timeout=60, interval=0.5,
                     message="the cut-off node never paused")
            time.sleep(CUT_FOR)   # the partition's length: a fault held, not a wait for a message
            shipped_during = node_loss.shipped(engines["shipping_labels"])
            heal()
            heal = None
            healed_at = time.monotonic()
            wait_for(lambda: cluster.running_nodes(majority[0]) == 3, timeout=120, interval=1,
                     message="the cut-off node never rejoined")
            print(f"healed {healed_at - cut_at:.1f} s after the cut ({shipped_during} shipped by then); "
                  f"the node was back {time.monotonic() - healed_at:.1f} s later")
            storefront.join(timeout=120)
            wait_for(lambda: node_loss.shipped(engines["shipping_labels"]) >= ORDERS, timeout=240, interval=0.5)
            print(f"all {ORDERS} orders shipped {time.monotonic() - cut_at:.1f} s after the cut; "
                  f"storefront re-published {len(problems)} time(s)")
        finally:
            if heal:
                heal()
            floor.stop()
            storefront.join(timeout=30)

        assert victim.name not in new_leaders   # the paused node led nothing while cut off
        timeline.settle(engines)
        stages, repeats = timeline.read(engines, placed)
        assert sum(1 for reached in stages.values() if "shipped" in reached) == ORDERS
        assert repeats == {stage: 0 for stage in repeats}, repeats
        assert warehouse.stock_problems(suite, orders, stages) == []
        assert not floor.stats.failures, floor.stats.failures[:5]
        for service, engine in engines.items():
            wait_for(lambda: unsent(engine) == 0, timeout=60, message=f"{service}'s outbox did not drain")
        uri = cluster.uris()
        for service in SERVICES:
            assert list_dead_letters(uri, service) == [], service
        assert list_unrouted(uri, "storefront") == []
