"""The customer database read back (no nameko here): one customer's record, and
RFM, repeat purchase and cohorts over every account."""

from services.customer_retention import rfm, storage
from services.customer_retention.models import Protection
from services.customer_retention.pool import account_of
from shared.timeutil import to_iso

COUNTERS = ("orders_count", "total_spent", "refunded_total", "returns_count", "cod_refusals",
            "deliveries_count", "failed_deliveries", "cases_count")


def purchases(session):
    return [rfm.Purchase(key, placed_at, total - refunded)
            for key, placed_at, total, refunded in storage.order_amounts(session)]


def rfm_report(session, now, segment=None):
    scored = [score_view(s) for s in rfm.scores(purchases(session), now)]
    segments = {}
    for row in scored:
        segments[row["segment"]] = segments.get(row["segment"], 0) + 1
    rows = [row for row in scored if segment is None or row["segment"] == segment]
    return {"as_of": to_iso(now), "segments": segments, "customers": rows}


def score_view(score):
    return {"customer_key": score.customer_key, "orders": score.orders, "net_spend": str(score.net_spend),
            "last_order_at": to_iso(score.last_order_at), "recency_days": score.recency_days,
            "r": score.r, "f": score.f, "m": score.m, "rfm": f"{score.r}{score.f}{score.m}",
            "segment": score.segment}


def customer_record(session, customer_key, now):
    account = account_of(session, customer_key)
    buyers = storage.buyers_of(session, customer_key)
    orders = storage.orders_of(session, customer_key)
    events = storage.timeline_of(session, [b.customer_id for b in buyers])
    names = storage.company_names_of(session, customer_key)
    holder = session.get(Protection, customer_key)
    scores = rfm.scores([rfm.Purchase(o.customer_key, o.placed_at, o.total - o.refunded) for o in orders], now)
    return {
        "customer_key": customer_key, "name": account.display_name, "kind": account.kind,
        "names_merged": list(names),
        "holder": holder and {"rep": holder.rep, "expires_at": to_iso(holder.expires_at)},
        "totals": {name: _plain(sum((getattr(b, name) for b in buyers), 0)) for name in COUNTERS},
        "buyers": [{"customer_id": b.customer_id, "name": b.name, "phone": b.phone, "company": b.company,
                    **{name: _plain(getattr(b, name)) for name in COUNTERS}} for b in buyers],
        "orders": [{"order_no": o.order_no, "total": str(o.total), "refunded": str(o.refunded),
                    "payment_method": o.payment_method, "status": o.status, "placed_at": to_iso(o.placed_at),
                    "delivered_at": o.delivered_at and to_iso(o.delivered_at)} for o in orders],
        "timeline": [{"kind": e.kind, "order_no": e.order_no, "customer_id": e.customer_id,
                      "at": to_iso(e.occurred_at), "detail": e.detail} for e in events],
        "rfm": score_view(scores[0]) if scores else None,
    }


def merged_names(session):
    """Accounts whose registered name arrived spelled more than one way."""
    grouped = {}
    for key, name in storage.company_names(session):
        grouped.setdefault(key, []).append(name)
    return [{"customer_key": key, "names": names} for key, names in grouped.items() if len(names) > 1]


def _plain(value):
    return value if isinstance(value, int) else str(value)
