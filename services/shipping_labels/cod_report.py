"""The monthly remittance and return statistics (回款及退回统计报表, 000 art. 6), per carrier, by the
company's calendar month (Asia/Shanghai):

- cod_shipped, cod_delivered, cod_returned: COD parcels handed over, delivered, back with us that month;
- return_rate_pct: returned / (delivered + returned) of the month, in percent (000 art. 6 saw about 30);
- collected: the COD amounts of the parcels delivered that month (the courier took the money then);
- remitted: what the courier's statements credit to those parcels so far (one line each, reconciliation.py);
- outstanding: what of `collected` is still owed (missing, or the shortfall of short lines);
- remitted_in_month: every statement line dated in the month, whatever it matched (the money that came in).
"""
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from services.shipping_labels import remittance
from services.shipping_labels.replies import plain
from services.shipping_labels.storage import reports

COLUMNS = ("carrier", "month", "cod_shipped", "cod_delivered", "cod_returned", "return_rate_pct", "collected",
           "remitted", "outstanding", "remitted_in_month")
COUNTS = ("cod_shipped", "cod_delivered", "cod_returned")
AMOUNTS = ("collected", "remitted", "outstanding", "remitted_in_month")
TOTAL = "TOTAL"


def month_bounds(month, timezone):
    """'2026-03' -> [start, end) in UTC of that month on the company's calendar."""
    zone = ZoneInfo(timezone)
    first = date.fromisoformat(f"{month}-01")
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return datetime.combine(first, time.min, zone), datetime.combine(following, time.min, zone)


def build(session, settings, month, carriers, now):
    start, end = month_bounds(month, settings.timezone)
    rows = [_carrier_row(session, settings, carrier, month, start, end, now) for carrier in carriers]
    total = {"carrier": TOTAL, "month": month, **{key: sum(row[key] for row in rows) for key in COUNTS + AMOUNTS}}
    return {"month": month, "timezone": settings.timezone,
            "rows": [_present(row) for row in rows + [_with_rate(total)]]}


def _carrier_row(session, settings, carrier, month, start, end, now):
    delivered = reports.cod_delivered(session, carrier, start, end)
    credited = remittance.reconcile(session, settings, carrier, now).credited
    collected = sum((row.cod_amount for row in delivered), Decimal("0.00"))
    remitted = sum((credited.get(row.order_no, Decimal("0.00")) for row in delivered), Decimal("0.00"))
    outstanding = sum((max(row.cod_amount - credited.get(row.order_no, Decimal("0.00")), Decimal("0.00"))
                       for row in delivered), Decimal("0.00"))
    row = {"carrier": carrier, "month": month, "cod_delivered": len(delivered), "collected": collected,
           "remitted": remitted, "outstanding": outstanding,
           "cod_shipped": reports.cod_shipped_count(session, carrier, start, end),
           "cod_returned": reports.cod_returned_count(session, carrier, start, end),
           "remitted_in_month": sum(reports.remitted_amounts(session, carrier, start.date(), end.date()),
                                    Decimal("0.00"))}
    return _with_rate(row)


def _with_rate(row):
    concluded = row["cod_delivered"] + row["cod_returned"]
    return {**row, "return_rate_pct": round(100 * row["cod_returned"] / concluded, 1) if concluded else None}


def _present(row):
    return {key: plain(row[key]) for key in COLUMNS}


def spreadsheet_rows(report):
    """The report's rows with amounts as numbers (they add up in a spreadsheet), the rest as text."""
    return [{key: Decimal(row[key]) if key in AMOUNTS else row[key] for key in COLUMNS} for row in report["rows"]]
