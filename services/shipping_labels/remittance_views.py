"""What the HTTP API shows of remittances: money as strings, times in ISO 8601, days as YYYY-MM-DD."""
from collections import Counter
from datetime import date, datetime
from decimal import Decimal

from services.shipping_labels.reconciliation import MATCHED
from shared.timeutil import to_iso


def plain(value):
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, datetime):
        return to_iso(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _plain_dict(record):
    return {key: plain(value) for key, value in record.items()}


def statement_view(statement):
    return {"id": statement.id, "carrier": statement.carrier, "filename": statement.filename,
            "file_format": statement.file_format, "line_count": statement.line_count, "total": plain(statement.total),
            "imported_by": statement.imported_by, "imported_at": plain(statement.imported_at)}


def import_view(statement, created, result):
    """The import's answer: the statement and how each of its lines reconciles now."""
    mine = [line for line in result.lines if line["statement_id"] == statement.id]
    return {"statement": statement_view(statement), "already_imported": not created,
            "outcomes": dict(Counter(line["outcome"] for line in mine)), "lines": [_plain_dict(l) for l in mine]}


def reconciliation_view(carrier, result, ageing, now, statements):
    """What does not match (every line but the matched ones) and what is owed, with its colour."""
    counts = Counter(line["outcome"] for line in result.lines)
    counts.update(owed["outcome"] for owed in result.outstanding)
    return {
        "carrier": carrier, "as_of": to_iso(now),
        "thresholds": {"yellow_after_days": ageing.yellow_after.total_seconds() / 86400,
                       "red_after_days": ageing.red_after.total_seconds() / 86400},
        "totals": {"owed": plain(sum((o["owed"] for o in result.outstanding), Decimal("0.00"))), **counts},
        "outstanding": [_plain_dict(owed) for owed in result.outstanding],
        "lines": [_plain_dict(line) for line in result.lines if line["outcome"] != MATCHED],
        "statements": [statement_view(statement) for statement in statements],
    }
