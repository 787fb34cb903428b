"""What the HTTP API shows of a shipment."""
import sqlalchemy as sa

from services.shipping_labels.models import ShipmentHistory, Waybill
from shared.timeutil import to_iso


def _iso(moment):
    return to_iso(moment) if moment else None


def shipment_view(session, shipment):
    waybills = session.scalars(sa.select(Waybill).where(Waybill.order_no == shipment.order_no)
                               .order_by(Waybill.id)).all()
    history = session.scalars(sa.select(ShipmentHistory).where(ShipmentHistory.order_no == shipment.order_no)
                              .order_by(ShipmentHistory.id)).all()
    return {
        "order_no": shipment.order_no, "status": shipment.status, "carrier": shipment.carrier,
        "service": shipment.service, "zone": shipment.zone, "tracking_no": shipment.tracking_no,
        "weight_g": shipment.weight_g, "cost": _money(shipment.cost), "payment_method": shipment.payment_method,
        "cod_amount": _money(shipment.cod_amount), "reprint_count": shipment.reprint_count,
        "handed_over_at": _iso(shipment.handed_over_at), "shipper": shipment.shipper, "problem": shipment.problem,
        "waybills": [{"tracking_no": w.tracking_no, "status": w.status, "issued_at": _iso(w.issued_at),
                      "voided_at": _iso(w.voided_at), "void_reason": w.void_reason, "voided_by": w.voided_by}
                     for w in waybills],
        "history": [{"at": _iso(h.at), "kind": h.kind, "by": h.by, "detail": h.detail} for h in history],
    }


def range_view(block):
    return {"id": block.id, "carrier": block.carrier, "prefix": block.prefix, "first_serial": block.first_serial,
            "last_serial": block.last_serial, "remaining": block.last_serial + 1 - block.next_serial,
            "loaded_by": block.loaded_by, "loaded_at": _iso(block.loaded_at)}


def _money(amount):
    return None if amount is None else f"{amount:.2f}"
