"""Recency / frequency / value scores, segments, repeat-purchase rate and cohort
retention (客户数据库, 数据分析: 000 art. 9, 001 客户关怀部). Pure functions on plain
order tuples, so the figures can be checked by hand on a small data set.

Scores are 1..5 against fixed bands (not quintiles) so a customer's score does
not move when other customers buy; the bands are parameters.
"""
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

RECENCY_DAYS = (30, 60, 90, 180)                 # ≤30 days → 5 … >180 days → 1
FREQUENCY_ORDERS = (2, 3, 4, 6)                  # 1 order → 1, 2 → 2, 3 → 3, 4–5 → 4, ≥6 → 5
VALUE_CNY = (Decimal(100), Decimal(300), Decimal(1000), Decimal(3000))   # net spend bands


@dataclass(frozen=True)
class Purchase:
    customer_key: str
    placed_at: datetime
    net: Decimal   # order total less refunds


@dataclass(frozen=True)
class Score:
    customer_key: str
    orders: int
    net_spend: Decimal
    last_order_at: datetime
    recency_days: int
    r: int
    f: int
    m: int
    segment: str


def band_score(value, bands, lower_is_better=False):
    """1..5: how many band edges the value reaches (recency counts the other way)."""
    if lower_is_better:
        return 5 - sum(1 for edge in bands if value > edge)
    return 1 + sum(1 for edge in bands if value >= edge)


def segment(r, f, m):
    if r >= 4 and f >= 4 and m >= 4:
        return "champions"
    if r >= 3 and f >= 4:
        return "loyal"
    if r >= 4 and f == 1:
        return "new"
    if r >= 4:
        return "promising"
    if r <= 2 and f >= 3:
        return "at_risk"
    if r == 1:
        return "lost"
    if r == 2:
        return "hibernating"
    return "needs_attention"


def scores(purchases, now):
    by_key = defaultdict(list)
    for purchase in purchases:
        by_key[purchase.customer_key].append(purchase)
    result = []
    for key, bought in sorted(by_key.items()):
        last = max(p.placed_at for p in bought)
        recency = (now - last).days
        net = sum((p.net for p in bought), Decimal("0.00"))
        r = band_score(recency, RECENCY_DAYS, lower_is_better=True)
        f = band_score(len(bought), FREQUENCY_ORDERS)
        m = band_score(net, VALUE_CNY)
        result.append(Score(key, len(bought), net, last, recency, r, f, m, segment(r, f, m)))
    return result


def repeat_purchase_rate(purchases):
    """Share of customers with at least two orders, among customers with at least one."""
    counts = defaultdict(int)
    for purchase in purchases:
        counts[purchase.customer_key] += 1
    buyers = len(counts)
    repeaters = sum(1 for n in counts.values() if n >= 2)
    rate = (Decimal(repeaters) / buyers).quantize(Decimal("0.0001")) if buyers else Decimal("0")
    return {"customers": buyers, "repeat_customers": repeaters, "repeat_purchase_rate": rate}


def _month(moment):
    return moment.year * 12 + moment.month - 1


def _month_label(index):
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def cohorts(purchases):
    """Per first-order month: its size, and for each month since (0 = the first month)
    how many of its customers ordered in that month and what share that is."""
    months_by_key = defaultdict(set)
    for purchase in purchases:
        months_by_key[purchase.customer_key].add(_month(purchase.placed_at))
    members = defaultdict(list)
    for months in months_by_key.values():
        members[min(months)].append(months)
    last_month = max((max(m) for m in months_by_key.values()), default=None)
    table = []
    for start in sorted(members):
        size = len(members[start])
        periods = []
        for offset in range(last_month - start + 1):
            active = sum(1 for months in members[start] if start + offset in months)
            periods.append({"month": offset, "customers": active,
                            "retention": (Decimal(active) / size).quantize(Decimal("0.0001"))})
        table.append({"cohort": _month_label(start), "size": size, "periods": periods})
    return table


def cohort_csv_rows(table):
    """One row per cohort and month since first order, for spreadsheets."""
    yield ["cohort", "size", "month", "customers", "retention"]
    for cohort in table:
        for period in cohort["periods"]:
            yield [cohort["cohort"], cohort["size"], period["month"], period["customers"], period["retention"]]
