"""What the HTTP API shows of a shipment."""
import sqlalchemy as sa

from services.shipping_labels.models import Shipment, ShipmentHistory, Waybill
from shared.errors import NotFound
from shared.timeutil import to_iso

# Scanner stations poll GET /shipments/{order_no} until the label exists, so the read is two prepared Core
# queries (the shipment with its waybills, then its history) and no ORM objects.
_shipments, _waybills, _history = Shipment.__table__, Waybill.__table__, ShipmentHistory.__table__
_SHIPMENT_COLUMNS = ("order_no", "status", "carrier", "service", "zone", "tracking_no", "weight_g", "cost",
                     "payment_method", "cod_amount", "reprint_count", "handed_over_at", "shipper", "problem",
                     "change_refused")
_WAYBILL_COLUMNS = ("tracking_no", "status", "issued_at", "voided_at", "void_reason", "voided_by")
_SHIPMENT_WITH_WAYBILLS = (
    sa.select(*(_shipments.c[name] for name in _SHIPMENT_COLUMNS),
              *(_waybills.c[name].label(f"waybill_{name}") for name in _WAYBILL_COLUMNS))
    .select_from(_shipments.outerjoin(_waybills, _waybills.c.order_no == _shipments.c.order_no))
    .where(_shipments.c.order_no == sa.bindparam("order_no"))
    .order_by(_waybills.c.id))
_WAYBILLS = (sa.select(*(_waybills.c[name].label(f"waybill_{name}") for name in _WAYBILL_COLUMNS))
             .where(_waybills.c.order_no == sa.bindparam("order_no")).order_by(_waybills.c.id))
_HISTORY = (sa.select(_history.c.at, _history.c.kind, _history.c.by, _history.c.detail)
            .where(_history.c.order_no == sa.bindparam("order_no")).order_by(_history.c.id))


def _iso(moment):
    return to_iso(moment) if moment else None


def shipment_by_order_no(session, order_no):
    """The view of the order's shipment, or NotFound."""
    connection = session.connection()
    rows = connection.execute(_SHIPMENT_WITH_WAYBILLS, {"order_no": order_no}).all()
    if not rows:
        raise NotFound(f"no shipment for order {order_no}", code="unknown_order")
    waybills = [row for row in rows if row.waybill_tracking_no is not None]
    return _view(rows[0], waybills, connection.execute(_HISTORY, {"order_no": order_no}))


def shipment_view(session, shipment):
    """The view of a shipment already loaded."""
    connection, params = session.connection(), {"order_no": shipment.order_no}
    return _view(shipment, connection.execute(_WAYBILLS, params), connection.execute(_HISTORY, params))


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


def _money(amount):
    return None if amount is None else f"{amount:.2f}"
