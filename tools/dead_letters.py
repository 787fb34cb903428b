"""List and replay a service's dead letters, and what was published to its events exchange (or the
storefront's) with a routing key no queue is bound for.

    python -m tools.dead_letters list order_review
    python -m tools.dead_letters replay order_review <dead-letter-id or event_id> [...]
    python -m tools.dead_letters replay order_review --all
    python -m tools.dead_letters list storefront                      # only unrouted messages
    python -m tools.dead_letters replay storefront <id> --routing-key order_placed
"""
import argparse
import sys
from collections import Counter

from shared import config
from shared.bus_credentials import DEPLOY, bus_uri
from shared.messaging.dead_letters import (
    list_dead_letters, list_unrouted, replay_dead_letters, replay_unrouted,
)

NAMES = ", ".join(config.SERVICES + config.OUTSIDE_PUBLISHERS)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--amqp-uri", default=None)
    sub = parser.add_subparsers(dest="command", required=True)
    listing = sub.add_parser("list", help="show each dead letter (reason, attempts, first failure) and unrouted message")
    listing.add_argument("name", help=NAMES)
    replay = sub.add_parser("replay", help="send dead letters back to the queue they failed in, and unrouted "
                                           "messages back to their exchange")
    replay.add_argument("name", help=NAMES)
    replay.add_argument("ids", nargs="*", help="dead-letter ids, unrouted message ids or event ids")
    replay.add_argument("--all", action="store_true")
    replay.add_argument("--routing-key", help="for unrouted messages: the routing key the publisher meant")
    args = parser.parse_args(argv)
    uri = args.amqp_uri or bus_uri(DEPLOY)   # an operator's tool: deploy's user reads and replays any of them
    is_service = args.name not in config.OUTSIDE_PUBLISHERS   # outside publishers have no dead letters

    if args.command == "list":
        if is_service:
            _print_letters(list_dead_letters(uri, args.name), "dead letter(s)")
        _print_unrouted(args.name, list_unrouted(uri, args.name))
        return 0
    if not args.ids and not args.all:
        parser.error("name dead letters to replay, or --all")
    results = []
    if is_service:
        results.append(replay_dead_letters(uri, args.name, ids=set(args.ids), everything=args.all))
    results.append(replay_unrouted(uri, args.name, ids=set(args.ids), everything=args.all,
                                   routing_key=args.routing_key))
    for replayed in results:
        for letter in replayed:
            print(f"replayed {letter.id} -> {letter.queue or letter.routing_key}")
        for letter, why in replayed.skipped:
            print(f"left {letter.id} where it is: {why}")
    done, left = sum(len(r) for r in results), sum(len(r.skipped) for r in results)
    print(f"{done} replayed" + (f", {left} left" if left else ""))
    return 0


def _print_letters(letters, what):
    for letter in letters:
        print(f"{letter.id}  queue={letter.queue}  attempts={letter.attempts}  "
              f"first_failed={letter.first_failed_at}  event_id={letter.event_id or '-'}\n"
              f"    reason: {letter.reason}\n    body: {letter.body_preview}")
    by_reason = Counter(letter.reason.split(":")[0] for letter in letters)
    print(f"{len(letters)} {what}" + "".join(f"\n  {n} x {r}" for r, n in by_reason.most_common()))


def _print_unrouted(name, letters):
    for letter in letters:
        print(f"{letter.id}  unrouted on {letter.exchange} with routing key {letter.routing_key!r}  "
              f"event_id={letter.event_id or '-'}\n    body: {letter.body_preview}")
    if letters or name in config.OUTSIDE_PUBLISHERS:
        print(f"{len(letters)} unrouted message(s) on {name}.events")


if __name__ == "__main__":
    sys.exit(main())
