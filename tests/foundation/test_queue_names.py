"""Every queue the suite owns is pinned here (issue #20): a queue's name, like its inbox key, comes
from the consumer's method name, so renaming a handler would silently make a new queue and leave
the old one, with whatever it holds, behind. A rename that is meant needs a move (tools.deploy's
retired-consumer list) and this list changed with it."""
from pathlib import Path

from shared.config import SERVICES
from shared.messaging.deploy import consumer_queues
from shared.messaging.topology import dead_letter_queue_name, unrouted_queue
from shared.service_registry import service_class

PINNED = Path(__file__).with_name("queue_names.txt")


def queues_now():
    names = []
    for service in SERVICES:
        names += [queue.name for queue in consumer_queues(service, service_class(service))]
        names += [dead_letter_queue_name(service), unrouted_queue(service).name]
    return sorted(names)


def test_every_queue_is_the_one_pinned():
    pinned = [line for line in PINNED.read_text().splitlines() if line and not line.startswith("#")]
    now = queues_now()
    assert len(now) == len(set(now)), "two consumers share a queue"
    missing, new = sorted(set(pinned) - set(now)), sorted(set(now) - set(pinned))
    assert not missing and not new, (
        f"queues gone: {missing}; queues new: {new}. A renamed consumer leaves its old queue behind: "
        f"keep the name, or move the queue and update {PINNED.name}")
