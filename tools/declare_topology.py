"""Declare every exchange and queue of the suite (run once per deploy, before traffic), move the
queues whose type or arguments changed (classic to quorum: `shared.messaging.queue_moves`), and
retire the queues of consumers a release removed: what they hold goes to the dead letters; then the
outside parties' feed queues (`storefront.feed`, shared/messaging/feeds.py).

    python -m tools.declare_topology [service ...]
"""
import argparse
import sys

from shared import config
from shared.bus_credentials import DEPLOY, bus_uri
from shared.messaging.deploy import declare_service
from shared.messaging.deploy import service_queue_list
from shared.messaging.exchanges import upgrade_events_exchanges
from shared.messaging.feeds import feed_queues
from shared.messaging.queue_moves import IN_USE, upgrade_queues
from shared.messaging.retired import retire_queues
from shared.messaging.topology import declare, unrouted_queue
from shared.messaging.transport import connect
from shared.service_registry import service_class


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("services", nargs="*", help=f"default: all of {', '.join(config.SERVICES)}")
    args = parser.parse_args(argv)
    unknown = set(args.services) - set(config.SERVICES)
    if unknown:
        parser.error(f"unknown service(s): {', '.join(sorted(unknown))}")
    uri = bus_uri(DEPLOY)
    # The unrouted queues first: declaring an events exchange declares its publisher's.
    report_moves(upgrade_queues(uri, [unrouted_queue(p) for p in config.SERVICES + config.OUTSIDE_PUBLISHERS]))
    replaced = upgrade_events_exchanges(uri, config.SERVICES + config.OUTSIDE_PUBLISHERS)
    for exchange in replaced:
        print(f"{exchange}: replaced by one that keeps unrouted messages; its bindings follow")
    # A replaced exchange lost every binding: all services' queues bind again, not just those asked for.
    for name in config.SERVICES if replaced else (args.services or config.SERVICES):
        report_moves(upgrade_queues(uri, service_queue_list(name, service_class(name), config.retry_delays_ms())))
        queues = declare_service(uri, name, service_class(name), config.retry_delays_ms())
        print(f"{name}: {len(queues)} queues declared")
        for queue, moved in retire_queues(uri, name).items():
            if moved is None:
                print(f"{name}: {queue} is retired but an old release still consumes it; deploy again once it stops")
            else:
                print(f"{name}: retired {queue}; {moved} message(s) moved to {name}.dead-letters")
    declare_feeds(uri)
    return 0


def declare_feeds(uri):
    """The outside parties' own queues (`storefront.feed`), after every events exchange they bind to."""
    feeds = feed_queues()
    report_moves(upgrade_queues(uri, feeds))
    with connect(uri) as connection:
        declare(connection, feeds)
    for queue in feeds:
        print(f"{queue.name}: declared, bound to {', '.join(b.routing_key for b in queue.bindings)}")


def report_moves(moved):
    for queue, count in moved.items():
        if count is IN_USE:
            print(f"{queue}: has other arguments than this release's (queue type: {config.queue_type()}) but is "
                  "still consumed; stop its consumers and deploy again (until then this release can't declare it)")
        else:
            print(f"{queue}: moved to a {config.queue_type()} queue; {count} message(s) kept")


if __name__ == "__main__":
    sys.exit(main())
