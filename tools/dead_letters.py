"""List and replay a service's dead letters.

    python -m tools.dead_letters list order_review
    python -m tools.dead_letters replay order_review <dead-letter-id or event_id> [...]
    python -m tools.dead_letters replay order_review --all
"""
import argparse
import sys
from collections import Counter

from shared import config
from shared.messaging.dead_letters import list_dead_letters, replay_dead_letters


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--amqp-uri", default=None)
    sub = parser.add_subparsers(dest="command", required=True)
    listing = sub.add_parser("list", help="show each dead letter: reason, attempts, first failure")
    listing.add_argument("service", help=", ".join(config.SERVICES))
    replay = sub.add_parser("replay", help="send dead letters back to the queue they failed in")
    replay.add_argument("service", help=", ".join(config.SERVICES))
    replay.add_argument("ids", nargs="*", help="dead-letter ids or event ids")
    replay.add_argument("--all", action="store_true")
    args = parser.parse_args(argv)
    uri = args.amqp_uri or config.amqp_uri()

    if args.command == "list":
        letters = list_dead_letters(uri, args.service)
        for letter in letters:
            print(f"{letter.id}  queue={letter.queue}  attempts={letter.attempts}  "
                  f"first_failed={letter.first_failed_at}  event_id={letter.event_id or '-'}\n"
                  f"    reason: {letter.reason}\n    body: {letter.body_preview}")
        by_reason = Counter(letter.reason.split(":")[0] for letter in letters)
        print(f"{len(letters)} dead letter(s)" + "".join(f"\n  {n} x {r}" for r, n in by_reason.most_common()))
        return 0
    if not args.ids and not args.all:
        parser.error("name dead letters to replay, or --all")
    replayed = replay_dead_letters(uri, args.service, ids=set(args.ids), everything=args.all)
    for letter in replayed:
        print(f"replayed {letter.id} -> {letter.queue}")
    print(f"{len(replayed)} replayed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
