"""Parcels returned to sender (退件; 000 art. 6: about 30 % of COD parcels come back): the carrier's news
opens a return receipt with what the parcel held; the warehouse receives and inspects it, deciding
each line: back into stock (restock) or recorded as damaged (破损退件), with who and when."""
from services.picking_packing import inventory, stock
from services.picking_packing.models import DefectiveGoods, ParcelReturnLine
from services.picking_packing.storage import parcel_returns as stored
from services.picking_packing.storage import pick_lists as stored_lists
from shared.errors import Conflict, NotFound, RuleViolation

AWAITING, INSPECTED = "awaiting_inspection", "inspected"
RESTOCK, DAMAGED = "restock", "damaged"
OUTCOMES = (RESTOCK, DAMAGED)


class PickListNotKnownYet(Exception):
    """The parcel's pick list has not arrived (its order_approved is late or stuck): retried."""


def expect(uow, returned):
    """The receipt for a parcel coming back, with its pick list's lines; told twice, opened once."""
    session = uow.session
    pick_list = stored_lists.find(session, returned["order_no"])
    if pick_list is None:
        raise PickListNotKnownYet(returned["order_no"])
    if stored.open_receipt(session, {
            "order_no": pick_list.order_no, "tracking_no": returned["tracking_no"],
            "payment_method": returned["payment_method"], "returned_at": returned["occurred_at"],
            "status": AWAITING, "remarks": ""}):
        session.add_all(ParcelReturnLine(order_no=pick_list.order_no, sku=line.sku, name=line.name, qty=line.qty)
                        for line in pick_list.lines)


def inspect(uow, order_no, inspection, by, settings, now):
    """Every line decided once; restocked goods go back on the shelf (and to waiting orders)."""
    receipt = _known(stored.receipt(uow.session, order_no, lock=True), order_no)
    if receipt.status != AWAITING:
        raise Conflict(f"the parcel of {order_no} was inspected by {receipt.inspected_by}", code="already_inspected",
                       inspected_by=receipt.inspected_by)
    decided = {line["sku"]: line["outcome"] for line in inspection["lines"]}
    _check_every_line(receipt, decided)
    restocked = {}
    for line in receipt.lines:
        line.outcome = decided[line.sku]
        if line.outcome == RESTOCK:
            stock.add(uow.session, line.sku, line.qty, "returned", by, f"parcel {receipt.tracking_no} returned to "
                      "sender, inspected: resellable", order_no, now)
            restocked[line.sku] = line.qty
        else:
            uow.session.add(DefectiveGoods(case_id=None, order_no=order_no, sku=line.sku, qty=line.qty,
                                           condition=DAMAGED, received_by=by, recorded_at=now))
    receipt.status, receipt.inspected_by, receipt.inspected_at = INSPECTED, by, now
    receipt.remarks = inspection["remarks"]
    if restocked:
        inventory.restocked(uow, restocked, "returned", settings)
    return receipt


def _check_every_line(receipt, decided):
    expected = {line.sku for line in receipt.lines}
    problems = {sku: ["not in this parcel"] for sku in sorted(set(decided) - expected)}
    problems.update({sku: ["not inspected: restock or damaged"] for sku in sorted(expected - set(decided))})
    if problems:
        raise RuleViolation("decide every line of the parcel once: restock or damaged", code="inspection_incomplete",
                            fields={"lines": problems})


def receipt(session, order_no):
    return _known(stored.receipt(session, order_no), order_no)


def _known(found, order_no):
    if found is None:
        raise NotFound(f"no parcel of order {order_no} was returned to sender", code="unknown_parcel_return")
    return found
