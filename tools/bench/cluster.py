"""`--cluster`: the same run on a three-node RabbitMQ cluster of the bench's own (shared/testing/cluster.py),
once with quorum queues and once with classic ones, each in a fresh vhost: what quorum queues cost."""
import os
import uuid

from shared.testing.cluster import RabbitCluster, available

QUEUE_TYPES = ("quorum", "classic")


class ClusterVhost:
    """What the run needs of a vhost (its AMQP URI, every node listed), on the bench's cluster."""

    def __init__(self, cluster):
        self.cluster = cluster
        self.name = f"bench_{uuid.uuid4().hex[:10]}"
        self.amqp_uri = cluster.uris(self.name)

    def __enter__(self):
        node = self.cluster.running()[0]
        self.cluster.ctl(node, "add_vhost", self.name)
        self.cluster.ctl(node, "set_permissions", "-p", self.name, "guest", ".*", ".*", ".*")
        return self

    def __exit__(self, *exc):
        self.cluster.ctl(self.cluster.running()[0], "delete_vhost", self.name, check=False)
        return False


def run_on_cluster(options, run, say):
    """{queue type: report}, both runs on the same cluster, quorum first."""
    why_not = available()
    if why_not:
        raise SystemExit(f"--cluster: no RabbitMQ cluster can be started here: {why_not}")
    reports = {}
    say("starting a three-node RabbitMQ cluster on loopback")
    with RabbitCluster(prefix=f"bench{os.getpid() % 1000}") as cluster:
        for kind in QUEUE_TYPES:
            say(f"{kind} queues")
            before = os.environ.get("AMQP_QUEUE_TYPE")
            os.environ["AMQP_QUEUE_TYPE"] = kind   # deploy and every service read it from here
            try:
                reports[kind] = run(options, say=say, broker=ClusterVhost(cluster))
            finally:
                if before is None:
                    os.environ.pop("AMQP_QUEUE_TYPE", None)
                else:
                    os.environ["AMQP_QUEUE_TYPE"] = before
    return reports


def comparison(reports):
    """One line per queue type: the steady and overall placed→shipped rates, and RabbitMQ's CPU."""
    lines = ["queue type   placed→shipped/s sustained (overall)   rabbitmq CPU ms/order"]
    for kind, report in reports.items():
        shipped = report["throughput"]["placed_to_shipped"]
        rabbit = report.get("cpu_ms_per_order_others", {}).get("rabbitmq")
        lines.append(f"{kind:<12} {shipped.get('sustained_per_s')} ({shipped.get('overall_per_s')}){'':>20}{rabbit}")
    return "\n".join(lines)
