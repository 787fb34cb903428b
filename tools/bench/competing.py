"""Evidence that instances of one service share its queues (competing consumers), from the broker."""
import time

STATS_LAG_S = 30.0   # the management API refreshes its counters every 5 s by default; CI's machine is busy


def consuming_services():
    """The services with queues to share (identity consumes nothing)."""
    from shared.config import SERVICES
    from shared.messaging.deploy import consumer_queues
    from shared.service_registry import service_class

    return [name for name in SERVICES if consumer_queues(name, service_class(name))]


def sharing_evidence(vhost, instances, orders, services):
    """`evidence()` once the broker's counters show every order_placed at order_review, and every
    service with every instance consuming each of its queues on a channel that has statistics.

    The management API lists a consumer only after its queue's first statistics, and a channel's
    details after the channel's: right after a short run some services are not listed yet.
    """
    deadline = time.monotonic() + STATS_LAG_S
    while True:
        found = evidence(vhost, instances)
        if _complete(found, instances, orders, services) or time.monotonic() > deadline:
            return found
        time.sleep(0.5)


def _complete(found, instances, orders, services):
    delivered = sum(found.get("order_review", {}).get("delivered_per_instance", []))
    return delivered >= orders and set(found) >= set(services) and all(
        len(f["delivered_per_instance"]) == instances and f["queues_with_every_instance_consuming"] == f["queues"]
        for f in found.values())


def evidence(vhost, instances):
    """Per service: consumers on each of its queues, and messages delivered to each instance's channel.

    Each instance consumes all its queues on one channel, so a channel is an instance. The
    management API refreshes its counters every few seconds: the split is indicative, not exact.
    """
    services = {}
    for consumer in vhost.consumers():
        queue = consumer["queue"]["name"]
        service = queue.split("--", 1)[1].split(".", 1)[0]
        entry = services.setdefault(service, {"queues": {}, "channels": set()})
        entry["queues"][queue] = entry["queues"].get(queue, 0) + 1
        details = consumer.get("channel_details")
        if isinstance(details, dict) and details.get("name"):   # [] until the channel's first stats
            entry["channels"].add(details["name"])
    evidence = {}
    for service, entry in sorted(services.items()):
        delivered = [vhost.channel(name).get("message_stats", {}).get("deliver_get", 0)
                     for name in sorted(entry["channels"])]
        evidence[service] = {
            "queues": len(entry["queues"]),
            "queues_with_every_instance_consuming": sum(1 for n in entry["queues"].values() if n == instances),
            "delivered_per_instance": delivered,
        }
    return evidence
