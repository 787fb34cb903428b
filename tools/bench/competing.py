"""Evidence that instances of one service share its queues (competing consumers), from the broker."""


def sharing_evidence(vhost, instances):
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
        entry["channels"].add(consumer["channel_details"]["name"])
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
