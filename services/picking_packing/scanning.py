"""The scanner API's rules (fixed: scanner vendors code against it): pick, pack and weigh. The courier
hand-over is scanned at shipping labels (POST /handovers), where labels are voided: the two exclude each
other there, and this service hears of it from order_shipped (handed_over.py).

Each scan is one short transaction on one pick list (locked, so two scanners
on one order take turns). Every answer, refusals included, says what is left
to do; refusals are answered, not raised, so a retried scan gets the same one.
"""
from services.picking_packing import pick_lists, packing
from services.picking_packing.status import CANCELLED, PICKED, PICKING, WAITING
from services.picking_packing.storage import pick_lists as stored_lists
from services.picking_packing.storage import stock as stored_stock
from shared.errors import DomainError, NotFound
from shared.timeutil import utcnow


DONE, REFUSED, UNKNOWN_ORDER = "done", "refused", "unknown_order"   # a scan's outcomes (http answers each)


def handle(uow, scan, staff_id, settings):
    """(outcome, answer) for one scan: DONE, REFUSED (why, and what is left to do) or UNKNOWN_ORDER."""
    handler = {"pick": pick, "pack": packing.pack}[scan["type"]]
    try:
        done, answer = handler(uow, scan, staff_id, settings, utcnow())
    except DomainError as exc:
        return (UNKNOWN_ORDER if isinstance(exc, NotFound) else REFUSED), {
            "error": exc.code, "message": exc.message, **exc.details}
    return (DONE if done else REFUSED), answer


def _sku_for(session, sheet, barcode):
    if sheet.line(barcode) is not None:
        return barcode
    return stored_stock.sku_of_barcode(session, barcode) or barcode


def _take(session, sheet, line, qty, staff_id, now):
    """Count goods as picked; the guarded UPDATE refuses more than ordered."""
    if not stored_lists.take(session, sheet.order_no, line.sku, qty, staff_id, now):
        raise pick_lists.refusal(sheet, "over_pick", f"{line.sku}: {line.qty - line.picked} left to pick, "
                                 f"scanned {qty}", sku=line.sku)
    line.picked, line.picker, line.picked_at = line.picked + qty, staff_id, now


def pick(uow, scan, staff_id, settings, now):
    """配货: the scanned goods must be on the order, and no more than ordered (rules §3)."""
    session = uow.session
    sheet = pick_lists.locked(session, scan["order_no"])
    if sheet.status in (WAITING, CANCELLED):
        raise pick_lists.refusal(sheet, "not_pickable", f"the pick list is {sheet.status}")
    sku, qty = _sku_for(session, sheet, scan["barcode"]), scan["qty"]
    line = sheet.line(sku)
    if line is None:
        raise pick_lists.refusal(sheet, "wrong_item", f"{scan['barcode']} is not on order "
                                 f"{sheet.order_no}", barcode=scan["barcode"])
    _take(session, sheet, line, qty, staff_id, now)
    pick_lists.save(session, sheet, picker=staff_id,
                    status=PICKING if any(l.picked < l.qty for l in sheet.lines) else PICKED)
    if sheet.status == PICKED:
        # Who picked each line travels with the order (staff performance counts lines per picker).
        uow.publish("order_picked", {
            "order_no": sheet.order_no, "picker": staff_id, "picked_at": now,
            # (a line picked before pickers were kept per line counts for whoever completes the order)
            "lines": [{"sku": l.sku, "qty": l.qty, "picker": l.picker or staff_id, "scanned_at": l.picked_at or now}
                      for l in sheet.lines]}, aggregate_id=sheet.order_no)
    return True, {"result": "picked", "sku": sku, "qty": qty, **pick_lists.progress(sheet)}

