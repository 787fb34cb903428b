"""Each order's stages, from the services' own timestamps: the outbox row each stage wrote.

placed (the storefront's placed_at) → approved (order_review: order_approved) → reserved
(picking_packing: stock_reserved) → packed (parcel_packed) → labelled (shipping_labels:
waybill_issued) → shipped (order_shipped). `created_at` is when the service's transaction
wrote the event, i.e. when that stage happened there.
"""
import time
from collections import Counter, defaultdict

import sqlalchemy as sa

from shared.db.base import plumbing_tables

STAGES = (
    ("approved", "order_review", "order_approved"),
    ("reserved", "picking_packing", "stock_reserved"),
    ("packed", "picking_packing", "parcel_packed"),
    ("labelled", "shipping_labels", "waybill_issued"),
    ("shipped", "shipping_labels", "order_shipped"),
)
OUTBOX, INBOX, _ = plumbing_tables(sa.MetaData())


def _rows(engine, event_types):
    query = sa.select(OUTBOX.c.aggregate_id, OUTBOX.c.event_type, OUTBOX.c.created_at) \
        .where(OUTBOX.c.event_type.in_(event_types))
    with engine.connect() as conn:
        return conn.execute(query).all()


def count_events(engine, event_type):
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(OUTBOX)
                            .where(OUTBOX.c.event_type == event_type)).scalar()


def read(engines, placed):
    """({order_no: {stage: datetime}}, {stage: orders with the stage more than once})."""
    stages = {order_no: {"placed": at} for order_no, at in placed.items()}
    repeats = {}
    by_service = defaultdict(dict)
    for stage, service, event_type in STAGES:
        by_service[service][event_type] = stage
    for service, types in by_service.items():
        seen = Counter()
        for order_no, event_type, created_at in _rows(engines[service], list(types)):
            if order_no in stages:
                stage = types[event_type]
                stages[order_no][stage] = created_at
                seen[(stage, order_no)] += 1
        for stage in types.values():
            repeats[stage] = sum(1 for (s, _), n in seen.items() if s == stage and n > 1)
    return stages, repeats


def messages_per_order(engines, orders):
    """Events each service published (outbox) and consumed (inbox), per order placed."""
    counted = {}
    for service, engine in engines.items():
        with engine.connect() as conn:
            published = conn.execute(sa.select(sa.func.count()).select_from(OUTBOX)).scalar()
            consumed = conn.execute(sa.select(sa.func.count()).select_from(INBOX)).scalar()
        counted[service] = {"published": round(published / max(1, orders), 2),
                            "consumed": round(consumed / max(1, orders), 2)}
    return counted


def settle(engines, quiet_s=1.0, limit_s=30.0):
    """Wait until no service has consumed anything for `quiet_s` (the last events' consumers are done)."""
    deadline, last = time.monotonic() + limit_s, None
    while time.monotonic() < deadline:
        consumed = 0
        for engine in engines.values():
            with engine.connect() as conn:
                consumed += conn.execute(sa.select(sa.func.count()).select_from(INBOX)).scalar()
        if consumed == last:
            return
        last = consumed
        time.sleep(quiet_s)
