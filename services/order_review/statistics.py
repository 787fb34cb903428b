"""The reviewers' daily statistic (物流发货统计表, business-rules §2): per day and per reviewer,
orders reviewed, auto-approved share, holds by code, median and 95th-percentile time to decision."""
import math
import statistics
from collections import Counter, defaultdict

from services.order_review import storage
from services.order_review.models import APPROVED, AUTO, REJECTED
from shared.timeutil import business_day_bounds


def daily(session, day):
    """Statistics of one company day (Asia/Shanghai, as the reviewers count), from what is stored."""
    start, end = business_day_bounds(day)
    return summarize(day, storage.decisions_between(session, start, end),
                     storage.holds_of_decided_between(session, start, end),
                     storage.holds_placed_between(session, start, end))


def summarize(day, decisions, decided_holds, holds_placed):
    """decisions: (order_no, reviewer, outcome, seconds); decided_holds: (order_no, code)."""
    codes_of = defaultdict(set)
    for order_no, code in decided_holds:
        codes_of[order_no].add(code)
    by_reviewer = defaultdict(list)
    for decision in decisions:
        by_reviewer[decision[1]].append(decision)
    auto = sum(1 for d in decisions if d[1] == AUTO and d[2] == APPROVED)
    return {
        "day": day.isoformat(), "orders_reviewed": len(decisions), "auto_approved": auto,
        "auto_approved_share": round(auto / len(decisions), 4) if decisions else None,
        "held_by_code": dict(sorted(holds_placed.items())), **_timing(decisions),
        "reviewers": [_reviewer_line(reviewer, rows, codes_of) for reviewer, rows in sorted(by_reviewer.items())],
    }


def _reviewer_line(reviewer, rows, codes_of):
    outcomes = Counter(row[2] for row in rows)
    held = Counter(code for row in rows for code in codes_of[row[0]])
    return {"reviewer": reviewer, "orders_reviewed": len(rows), "approved": outcomes[APPROVED],
            "rejected": outcomes[REJECTED], "held_by_code": dict(sorted(held.items())), **_timing(rows)}


def _timing(rows):
    seconds = sorted(row[3] for row in rows)
    if not seconds:
        return {"median_seconds": None, "p95_seconds": None}
    return {"median_seconds": statistics.median(seconds),
            "p95_seconds": seconds[math.ceil(0.95 * len(seconds)) - 1]}   # nearest rank
