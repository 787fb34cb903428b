"""Regenerate the tables in contracts/README.md from the code: every registered event schema,
its fields, and the services that actually consume it; the events an outside party (a storefront)
consumes in a section of their own (`@event(..., outside="storefront")`).

    python -m tools.catalogue          # rewrite the table
    python -m tools.catalogue --check  # exit 1 if the README is out of date
"""
import argparse
import inspect
import sys

import contracts
from shared.config import OUTSIDE_CONSUMERS, ROOT, SERVICES

README = ROOT / "contracts" / "README.md"
BEGIN, END = "<!-- catalogue:begin -->", "<!-- catalogue:end -->"
ENVELOPE = {"event_id", "occurred_at"}


def consumers():
    """{(source, event_type): [service, ...]} from every service's @consume_event entrypoints."""
    from shared.messaging.consumer import EventConsumer
    from shared.service_registry import service_class

    found = {}
    for service in SERVICES:
        for _, method in inspect.getmembers(service_class(service), inspect.isfunction):
            for entrypoint in getattr(method, "nameko_entrypoints", ()):
                if isinstance(entrypoint, EventConsumer):
                    key = (entrypoint.source_service, entrypoint.event_type)
                    found.setdefault(key, set()).add(service)
    return {key: sorted(names) for key, names in found.items()}


def table(outside=None):
    """The catalogue's rows: the suite's own events, or (`outside`) those the outside party consumes."""
    consumed = consumers()
    rows = ["| event | emitter | fields (besides event_id, occurred_at) | consumers |", "|---|---|---|---|"]
    order = {name: n for n, name in enumerate(("storefront",) + SERVICES)}
    for (source, event_type), schema_cls in sorted(contracts.catalogue().items(),
                                                   key=lambda item: (order.get(item[0][0], 99), item[0][1])):
        if source not in order or schema_cls.outside != outside:
            continue   # test-only events, or the other table's
        fields = ", ".join(name for name in schema_cls._declared_fields if name not in ENVELOPE)
        users = ", ".join(([f"{outside} (`{outside}.feed`)"] if outside else [])
                          + consumed.get((source, event_type), [])) or "—"
        rows.append(f"| `{event_type}` | {source} | {fields} | {users} |")
    return "\n".join(rows)


def markers(outside=None):
    return (BEGIN, END) if outside is None else (f"<!-- {outside}-feed:begin -->", f"<!-- {outside}-feed:end -->")


def render(text):
    for outside in (None,) + OUTSIDE_CONSUMERS:
        begin, end = markers(outside)
        head, _, rest = text.partition(begin)
        _, _, tail = rest.partition(end)
        text = f"{head}{begin}\n{table(outside)}\n{end}{tail}"
    return text


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    current = README.read_text(encoding="utf-8")
    wanted = render(current)
    if args.check:
        if wanted != current:
            print("contracts/README.md is out of date: run python -m tools.catalogue", file=sys.stderr)
            return 1
        return 0
    README.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
