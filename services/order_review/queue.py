"""The reviewers' queue: orders with open holds, oldest first, filterable by hold code and age; and one
order as the reviewer sees it, with its history."""
from datetime import timedelta

from services.order_review import storage
from services.order_review.models import BY_HAND
from services.order_review.review import find_order
from shared.timeutil import to_iso


def held_orders(session, now, code=None, older_than_minutes=None, younger_than_minutes=None, limit=50):
    records = storage.held_orders(
        session, code=code, limit=limit,
        received_by=None if older_than_minutes is None else now - timedelta(minutes=older_than_minutes),
        received_since=None if younger_than_minutes is None else now - timedelta(minutes=younger_than_minutes))
    holds = storage.open_holds_of(session, [r.order_no for r in records])
    return [summary(record, holds.get(record.order_no, []), now) for record in records]


def order_detail(session, order_no, now):
    record = find_order(session, order_no)
    corrections = storage.corrections(session, order_no)
    goods_changes = storage.goods_changes(session, order_no)
    return {**summary(record, storage.open_holds(session, order_no), now), "order": record.order,
            "decided_at": to_iso(record.decided_at) if record.decided_at else None,
            "handed_over_at": to_iso(record.handed_over_at) if record.handed_over_at else None,
            "delivered_at": to_iso(record.delivered_at) if record.delivered_at else None,
            "corrections": [{"field": c.field, "before": c.before, "after": c.after, "reviewer": c.reviewer,
                             "corrected_at": to_iso(c.corrected_at)} for c in corrections],
            "goods_changes": [{"id": g.id, "before": g.before, "after": g.after, "reviewer": g.reviewer, "reason": g.reason,
                               "changed_at": to_iso(g.changed_at), "refused_reason": g.refused_reason,
                               "refused_at": to_iso(g.refused_at) if g.refused_at else None} for g in goods_changes],
            "splits": [_split(found) for found in storage.splits(session, order_no)],
            "split_from": _split_from(session, order_no),
            "history": history(session, record, corrections, goods_changes)}


def _split(found):
    """A split of the order (拆单, issue #23): its backorder, and whether the warehouse took it yet."""
    return {"backorder_no": found.backorder_no, "lines": found.lines, "by": found.by,
            "requested_at": to_iso(found.requested_at), "status": found.status,
            "settled_at": to_iso(found.settled_at) if found.settled_at else None}


def _split_from(session, order_no):
    """The order a backorder was split from (None: an order of its own)."""
    found = storage.split_into(session, order_no)
    return found.order_no if found else None


def history(session, record, corrections, goods_changes=()):
    """What happened to the order in review, oldest first: each entry an `event` code with its `at`, `by`
    and parameters (the screens word them)."""
    order_no = record.order_no
    entries = [(record.received_at, 0, {"event": "received"})]
    for hold in storage.holds(session, order_no):
        entries.append((hold.created_at, 1, {"event": "hold_placed", "code": hold.code, "params": hold.params or {}}))
        if hold.released_at:
            entries.append((hold.released_at, 3, {"event": "hold_released", "code": hold.code, "by": hold.released_by,
                                                  "how": hold.released_how or BY_HAND}))
    entries += [(c.corrected_at, 2, {"event": "corrected", "field": c.field, "before": c.before, "after": c.after,
                                     "by": c.reviewer}) for c in corrections]
    entries += [(g.changed_at, 2, {"event": "goods_changed", "before": g.before, "after": g.after, "by": g.reviewer,
                                   "reason": g.reason}) for g in goods_changes]
    entries += [(g.refused_at, 5, {"event": "goods_change_refused", "reason": g.refused_reason, "after": g.after})
                for g in goods_changes if g.refused_at]
    for decision in storage.decisions(session, order_no):
        entries.append((decision.decided_at, 4, {"event": decision.outcome, "by": decision.reviewer,
                                                 "reason": decision.reason}))
    for event, at in (("handed_over", record.handed_over_at), ("delivered", record.delivered_at)):
        if at:
            entries.append((at, 5, {"event": event}))
    return [{**entry, "at": to_iso(at)} for at, _, entry in sorted(entries, key=lambda e: (e[0], e[1]))]


def summary(record, holds, now):
    live_claim = record.claimed_by and record.claim_expires_at > now
    return {
        "order_no": record.order_no, "customer_id": record.customer_id, "status": record.status,
        "total": f"{record.total:.2f}", "payment_method": record.order["payment"]["method"],
        "received_at": to_iso(record.received_at),
        "age_minutes": round((now - record.received_at).total_seconds() / 60, 1),
        "holds": [{"code": h.code, "message": h.message, "params": h.params or {}, "since": to_iso(h.created_at)}
                  for h in holds],
        "claimed_by": record.claimed_by if live_claim else None,
        "claim_expires_at": to_iso(record.claim_expires_at) if live_claim else None,
    }
