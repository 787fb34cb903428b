"""Declare every exchange and queue of the suite (run once per deploy, before traffic), and
retire the queues of consumers a release removed: what they hold goes to the dead letters.

    python -m tools.declare_topology [service ...]
"""
import argparse
import sys

from shared import config
from shared.bus_credentials import DEPLOY, bus_uri
from shared.messaging.deploy import declare_service
from shared.messaging.exchanges import upgrade_events_exchanges
from shared.messaging.retired import retire_queues
from shared.service_registry import service_class


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("services", nargs="*", help=f"default: all of {', '.join(config.SERVICES)}")
    args = parser.parse_args(argv)
    unknown = set(args.services) - set(config.SERVICES)
    if unknown:
        parser.error(f"unknown service(s): {', '.join(sorted(unknown))}")
    uri = bus_uri(DEPLOY)
    replaced = upgrade_events_exchanges(uri, config.SERVICES + config.OUTSIDE_PUBLISHERS)
    for exchange in replaced:
        print(f"{exchange}: replaced by one that keeps unrouted messages; its bindings follow")
    # A replaced exchange lost every binding: all services' queues bind again, not just those asked for.
    for name in config.SERVICES if replaced else (args.services or config.SERVICES):
        queues = declare_service(uri, name, service_class(name), config.retry_delays_ms())
        print(f"{name}: {len(queues)} queues declared")
        for queue, moved in retire_queues(uri, name).items():
            if moved is None:
                print(f"{name}: {queue} is retired but an old release still consumes it; deploy again once it stops")
            else:
                print(f"{name}: retired {queue}; {moved} message(s) moved to {name}.dead-letters")
    return 0


if __name__ == "__main__":
    sys.exit(main())
