"""What the HTTP API shows of shipments, waybill ranges and remittances: money as strings, times in ISO 8601,
days as YYYY-MM-DD."""
from collections import Counter
from datetime import date, datetime
from decimal import Decimal

from services.shipping_labels.reconciliation import MATCHED
from services.shipping_labels.storage import shipments
from shared.errors import NotFound
from shared.timeutil import to_iso


def _iso(moment):
    return to_iso(moment) if moment else None


def _money(amount):
    return None if amount is None else f"{amount:.2f}"


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


def shipment_by_order_no(session, order_no):
    """The view of the order's shipment, or NotFound."""
    shipment, waybills = shipments.with_waybills(session, order_no)
    if shipment is None:
        raise NotFound(f"no shipment for order {order_no}", code="unknown_order")
    return _view(shipment, waybills, shipments.history_of(session, order_no))


def shipment_view(session, shipment):
    """The view of a shipment already loaded."""
    return _view(shipment, shipments.waybills_of(session, shipment.order_no),
                 shipments.history_of(session, shipment.order_no))


def _view(shipment, waybills, history):
    return {
        "order_no": shipment.order_no, "status": shipment.status, "carrier": shipment.carrier,
        "service": shipment.service, "zone": shipment.zone, "tracking_no": shipment.tracking_no,
        "weight_g": shipment.weight_g, "cost": _money(shipment.cost), "payment_method": shipment.payment_method,
        "cod_amount": _money(shipment.cod_amount), "reprint_count": shipment.reprint_count,
        "handed_over_at": _iso(shipment.handed_over_at), "shipper": shipment.shipper, "problem": shipment.problem,
        "change_refused": shipment.change_refused,
        "waybills": [{"tracking_no": w.waybill_tracking_no, "status": w.waybill_status,
                      "issued_at": _iso(w.waybill_issued_at), "voided_at": _iso(w.waybill_voided_at),
                      "void_reason": w.waybill_void_reason, "voided_by": w.waybill_voided_by} for w in waybills],
        "history": [{"at": _iso(h.at), "kind": h.kind, "by": h.by, "detail": h.detail} for h in history],
    }


def range_view(block):
    return {"id": block.id, "carrier": block.carrier, "prefix": block.prefix, "first_serial": block.first_serial,
            "last_serial": block.last_serial, "remaining": block.last_serial + 1 - block.next_serial,
            "loaded_by": block.loaded_by, "loaded_at": _iso(block.loaded_at)}


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
