"""The scanner API's rules (fixed: scanner vendors code against it): pick, pack and weigh, hand over.

Each scan is one short transaction on one pick list (locked, so two scanners
on one order take turns). Every answer, refusals included, says what is left
to do; refusals are answered, not raised, so a retried scan gets the same one.
"""
import sqlalchemy as sa

from services.picking_packing import allocation, pick_lists, packing, stock
from services.picking_packing.models import Barcode, PickLine, Waybill
from services.picking_packing.status import CANCELLED, HANDED_OVER, PACKED, PICKED, PICKING, WAITING
from shared.errors import DomainError, NotFound
from shared.timeutil import utcnow


def handle(uow, scan, staff_id, settings):
    """(HTTP status, answer) for one scan."""
    handler = {"pick": pick, "pack": packing.pack, "handover": hand_over}[scan["type"]]
    try:
        return handler(uow, scan, staff_id, settings, utcnow())
    except DomainError as exc:
        status = 404 if isinstance(exc, NotFound) else 409
        return status, {"error": exc.code, "message": exc.message, **exc.details}


def _sku_for(session, pick_list, barcode):
    if any(line.sku == barcode for line in pick_list.lines):
        return barcode
    return session.scalar(sa.select(Barcode.sku).where(Barcode.barcode == barcode)) or barcode


def _take(session, pick_list, line, qty):
    """Count goods as picked; the guarded UPDATE (and a CHECK) refuse more than ordered."""
    moved = session.execute(sa.update(PickLine).where(
        PickLine.order_no == line.order_no, PickLine.sku == line.sku, PickLine.picked + qty <= PickLine.qty)
        .values(picked=PickLine.picked + qty).execution_options(synchronize_session=False)).rowcount
    if not moved:
        raise pick_lists.refusal(pick_list, "over_pick", f"{line.sku}: {line.qty - line.picked} left to pick, "
                                 f"scanned {qty}", sku=line.sku)
    line.picked += qty


def pick(uow, scan, staff_id, settings, now):
    """配货: the scanned goods must be on the order, and no more than ordered (rules §3)."""
    session = uow.session
    pick_list = pick_lists.locked(session, scan["order_no"])
    if pick_list.status in (WAITING, CANCELLED):
        raise pick_lists.refusal(pick_list, "not_pickable", f"the pick list is {pick_list.status}")
    sku, qty = _sku_for(session, pick_list, scan["barcode"]), scan["qty"]
    line = next((line for line in pick_list.lines if line.sku == sku), None)
    if line is None:
        raise pick_lists.refusal(pick_list, "wrong_item", f"{scan['barcode']} is not on order "
                                 f"{pick_list.order_no}", barcode=scan["barcode"])
    _take(session, pick_list, line, qty)
    pick_list.picker = staff_id
    uow.publish("line_picked", {"order_no": pick_list.order_no, "sku": sku, "qty": qty, "picker": staff_id,
                                "station_id": scan["station_id"], "scanned_at": now},
                aggregate_id=pick_list.order_no)
    pick_list.status = PICKING if pick_lists.remaining(pick_list) else PICKED
    if pick_list.status == PICKED:
        uow.publish("order_picked", {"order_no": pick_list.order_no, "picker": staff_id, "picked_at": now},
                    aggregate_id=pick_list.order_no)
    return 200, {"result": "picked", "sku": sku, "qty": qty, **pick_lists.progress(pick_list)}


def hand_over(uow, scan, staff_id, settings, now):
    """发货: only a waybill the shipping labels service issued, for a packed parcel."""
    session, tracking_no = uow.session, scan["tracking_no"]
    waybill = session.get(Waybill, tracking_no)
    if waybill is None:
        raise NotFound(f"tracking number {tracking_no} was not issued", code="unknown_tracking_no",
                       tracking_no=tracking_no, next="scan the parcel's current waybill")
    pick_list = pick_lists.locked(session, waybill.order_no)
    if waybill.status == "voided":
        raise pick_lists.refusal(pick_list, "waybill_voided", f"waybill {tracking_no} was voided: "
                                 f"{waybill.reason}", tracking_no=tracking_no)
    if pick_list.status == HANDED_OVER:
        raise pick_lists.refusal(pick_list, "already_handed_over", f"handed over with {pick_list.tracking_no}",
                                 tracking_no=tracking_no)
    if pick_list.status != PACKED:
        raise pick_lists.refusal(pick_list, "not_packed", f"the parcel is {pick_list.status}",
                                 tracking_no=tracking_no)
    stock.ship(session, allocation.needs_of(pick_list), staff_id, pick_list.order_no, now)
    pick_list.status, pick_list.tracking_no = HANDED_OVER, tracking_no
    pick_list.shipper, pick_list.handed_over_at = staff_id, now
    uow.publish("parcel_handed_over", {"order_no": pick_list.order_no, "tracking_no": tracking_no,
                                       "shipper": staff_id, "station_id": scan["station_id"],
                                       "handed_over_at": now}, aggregate_id=pick_list.order_no)
    return 200, {"result": "handed_over", "tracking_no": tracking_no, **pick_lists.progress(pick_list)}
