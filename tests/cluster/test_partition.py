"""A partition on a three-node cluster with `pause_minority` (issue 21): while orders flow, the node
that leads the busiest queues is cut off from the other two (iptables drops its Erlang distribution
traffic on loopback; AMQP to it still flows). It sees itself in the minority and pauses, closing its
clients' connections; they fail over to the majority, which elects new leaders. The partition is then
healed, the node rejoins, and the counts of the node-loss test hold: every order ships exactly once,
the stock is exact, the outboxes drain and nothing lands in a dead-letter queue. Every rule added is
removed, whatever happens (`RabbitCluster.cut_off`, and `stop()` heals what is left)."""
import socket
import time
from functools import partial

import pytest

from shared.testing.cluster import can_cut
from shared.testing.polling import wait_for
from tests.cluster.flow import ClusterSuite, Flow, busiest_leader, running_suite

pytestmark = pytest.mark.cluster

CLUSTER_OPTIONS = {"own_addresses": True}   # each node's distribution traffic from an address of its own
ORDERS = 150
CUT_AT = ORDERS // 3     # orders placed when the node is cut off
CUT_FOR = 10.0           # seconds the partition lasts once the node has paused


def accepting(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
        return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def cuttable():
    """Skips before the cluster starts if no partition can be made here."""
    why_not = can_cut()
    if why_not:
        pytest.skip(f"no partitionable RabbitMQ cluster here: {why_not}")


def test_a_node_cut_off_mid_flow_pauses_and_loses_no_order(cuttable, cluster, tmp_path):
    with running_suite(tmp_path, partial(ClusterSuite, cluster)) as (suite, databases):
        victim, led, queues = busiest_leader(cluster)
        majority = [node for node in cluster.nodes if node is not victim]
        with Flow(suite, databases, cluster.uris(rotate=1), ORDERS) as flow:
            flow.wait_placed(CUT_AT)
            cut_at = time.monotonic()
            heal = cluster.cut_off(victim)
            try:
                in_flight = flow.in_flight(CUT_AT)
                print(f"\ncut off {victim.name}, leader of {led} of {queues} consumer queues, with "
                      f"{len(flow.placed)} orders placed and {in_flight} not shipped yet")
                # the majority notices (net_ticktime 10 s) and carries on without it
                wait_for(lambda: cluster.running_nodes(majority[0]) == 2, timeout=120, interval=1,
                         message="the majority never noticed the partition")
                noticed = time.monotonic() - cut_at
                new_leaders = set(cluster.leaders(node=majority[0]).values())
                print(f"the majority saw it gone {noticed:.1f} s after the cut; queue leaders now on "
                      f"{sorted(new_leaders)}")
                # pause_minority: the cut-off node sees one node of three and pauses, closing its AMQP listener
                wait_for(lambda: not accepting(victim.port), timeout=120, interval=0.5,
                         message="the cut-off node never paused")
                time.sleep(CUT_FOR)   # the partition's length: a fault held, not a wait for a message
                shipped_during = flow.shipped()
            finally:
                heal()
            healed_at = time.monotonic()
            wait_for(lambda: cluster.running_nodes(majority[0]) == 3, timeout=180, interval=1,
                     message="the cut-off node never rejoined")
            print(f"healed {healed_at - cut_at:.1f} s after the cut ({shipped_during} shipped by then); "
                  f"the node was back {time.monotonic() - healed_at:.1f} s later")
            flow.wait_all_shipped()
            print(f"all {ORDERS} orders shipped {time.monotonic() - cut_at:.1f} s after the cut; "
                  f"storefront re-published {len(flow.problems)} time(s)")
        assert victim.name not in new_leaders   # the paused node led nothing while cut off
        flow.check()
