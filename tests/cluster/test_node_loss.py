"""The suite on a three-node cluster with quorum queues (issue 21): while orders flow, the node that
leads the busiest queues is killed with SIGKILL and restarted later. Every order ships exactly once,
the stock is exact, the outboxes drain and nothing lands in a dead-letter queue.

Every service runs as its own process (as in production, `tools/bench/suite.py`), each given the
three nodes in its own order, so the services are spread over the nodes."""
import time
from functools import partial

import pytest

from tests.cluster.flow import ClusterSuite, Flow, busiest_leader, running_suite

pytestmark = pytest.mark.cluster

ORDERS = 150
KILL_AT = ORDERS // 3   # orders placed when the node dies
DOWN_FOR = 10.0         # seconds the node stays dead


def test_a_node_killed_mid_flow_loses_no_order_and_ships_none_twice(cluster, tmp_path):
    with running_suite(tmp_path, partial(ClusterSuite, cluster)) as (suite, databases):
        victim, led, queues = busiest_leader(cluster)
        with Flow(suite, databases, cluster.uris(rotate=1), ORDERS) as flow:
            flow.wait_placed(KILL_AT)
            killed_at = time.monotonic()
            cluster.kill(victim)
            in_flight = flow.in_flight(KILL_AT)
            print(f"\nkilled {victim.name}, leader of {led} of {queues} consumer queues, with {len(flow.placed)} "
                  f"orders placed and {in_flight} not shipped yet")
            time.sleep(DOWN_FOR)   # how long the node stays dead: a fault held, not a wait for a message
            cluster.restart(victim)
            print(f"restarted it {time.monotonic() - killed_at:.1f} s after the kill; {len(flow.placed)} orders in")
            flow.wait_all_shipped()
            print(f"all {ORDERS} orders shipped {time.monotonic() - killed_at:.1f} s after the kill; "
                  f"storefront re-published {len(flow.problems)} time(s)")
        flow.check()
