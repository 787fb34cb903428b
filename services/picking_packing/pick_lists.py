"""Pick lists (配货单): opened from approved orders, cancelled with their stock given back.

Every use case works on a `sheet.Sheet`, read and written back by `storage.pick_lists`.
"""
from services.picking_packing import allocation, inventory, stock
from services.picking_packing.models import PickList, WarehouseTask
from services.picking_packing.sheet import Line, Sheet
from services.picking_packing.status import CANCELLED, HANDED_OVER, NEXT_STEP, READY, RESERVING, WAITING
from services.picking_packing.storage import pick_lists as stored
from services.picking_packing.storage import stock as stored_stock
from services.picking_packing.weighing import expected_weight_g
from shared.errors import Conflict, NotFound
from shared.timeutil import utcnow

_UNKNOWN = object()


def locked(session, order_no):
    """The pick list with its lines, locked until commit: two scanners on one order take turns."""
    sheet = stored.locked(session, order_no)
    if sheet is None:
        raise NotFound(f"no pick list for order {order_no}", code="unknown_order", order_no=order_no,
                       next="check the order number on the dispatch note")
    return sheet


def save(session, sheet, **values):
    """Write pick list columns (none if the sheet already shows these values)."""
    if all(getattr(sheet, key, _UNKNOWN) == value for key, value in values.items()):
        return
    stored.save(session, sheet.order_no, values)
    for key, value in values.items():
        if hasattr(sheet, key):
            setattr(sheet, key, value)


def merged_lines(lines):
    """One pick line per SKU, even if the order lists a SKU twice."""
    merged = {}
    for line in lines:
        known = merged.setdefault(line["sku"], {**line, "qty": 0})
        known["qty"] += line["qty"]
    return [merged[sku] for sku in sorted(merged)]


def open_pick_list(uow, approved, settings):
    """An approved order becomes a pick list; it reserves its goods or waits for them in turn.

    Usually no order is waiting for stock, and first come, first served reduces to "are its goods
    on the shelf": the stock rows are locked first (a concurrent approval waits), then the list is
    stored with its final status. Otherwise every waiting order is planned again, this one in turn.
    Returns the new Sheet, or None for an order already known (approved twice, or cancelled first).
    """
    session, order_no = uow.session, approved["order_no"]
    lines = merged_lines(approved["lines"])
    needs = {line["sku"]: line["qty"] for line in lines}
    levels = stored_stock.locked_levels(session, needs)
    alone = not stored.anyone_in(session, WAITING)
    short = {}
    if alone:
        _, short = allocation.plan([(order_no, needs)], {sku: level.available for sku, level in levels.items()})
    sheet = _insert(session, approved, lines, WAITING if short or not alone else READY, settings)
    if sheet is None:
        return None
    if not alone:
        short = allocation.serve_waiting(uow, settings, new_order_no=order_no)
        sheet.status = WAITING if order_no in short else READY
    elif not short:
        stock.reserve(session, needs)
        allocation.announce_reserved(uow, order_no, needs, was_waiting=False)
        stock.check_low(uow, needs, settings.low_stock_threshold, levels=stock.after_reserving(levels, needs))
    else:
        stock.check_low(uow, needs, settings.low_stock_threshold, levels=levels)
    if order_no in short:
        uow.publish("order_out_of_stock", {"order_no": order_no, "customer_id": approved["customer_id"],
                                           "short": short[order_no]}, aggregate_id=order_no)
    return sheet


def _insert(session, approved, lines, status, settings):
    """The pick list and its lines; None if the order is already known."""
    order_no = approved["order_no"]
    weight = expected_weight_g(lines, settings.packaging_allowance_g)
    stored_lines = [{"sku": l["sku"], "name": l["name"], "qty": l["qty"], "picked": 0,
                     "unit_weight_g": l["unit_weight_g"]} for l in lines]
    if not stored.insert(session, {"order_no": order_no, "customer_id": approved["customer_id"], "status": status,
                                   "expected_weight_g": weight, "approved_at": approved["approved_at"],
                                   "created_at": utcnow()}, stored_lines):
        return None
    return Sheet(order_no, status, weight, lines=[Line(l["sku"], l["name"], l["qty"], 0) for l in lines])


def cancel(uow, order_no, reason, settings):
    """Cancelled before hand-over: reserved stock goes back; picked goods get a put-away task."""
    session, now = uow.session, utcnow()
    sheet = stored.locked(session, order_no)
    if sheet is None:
        # Cancelled before its approval reached us: remember it so the approval opens nothing.
        session.add(PickList(order_no=order_no, customer_id="", status=CANCELLED, expected_weight_g=0,
                             approved_at=now, created_at=now, cancel_reason=reason[:500]))
        return None
    if sheet.status in (CANCELLED, HANDED_OVER):
        return sheet   # nothing to give back; a parcel already out is after-sales' interception
    held_stock, was_waiting = sheet.status in RESERVING, sheet.status == WAITING
    save(session, sheet, status=CANCELLED, cancel_reason=reason[:500])
    picked = [line for line in sheet.lines if line.picked]
    session.add_all(WarehouseTask(kind="put_away", status="open", order_no=order_no, sku=line.sku,
                                  qty=line.picked, created_at=now) for line in picked)
    uow.publish("pick_list_cancelled", {"order_no": order_no, "reason": reason, "restock_task": bool(picked)},
                aggregate_id=order_no)
    if held_stock:
        needs = allocation.needs_of(sheet)
        stock.release(session, needs)
        inventory.restocked(uow, needs, "cancelled", settings)
    elif was_waiting:
        session.flush()
        allocation.serve_waiting(uow, settings)   # its claim no longer holds back later orders
    return sheet


def refusal(pick_list, code, message, **details):
    """A scan refused: the reason, and what is left to do on this pick list."""
    return Conflict(message, code=code, **progress(pick_list), **details)


def remaining(pick_list):
    return [{"sku": line.sku, "name": line.name, "qty": line.qty, "picked": line.picked,
             "left": line.qty - line.picked} for line in pick_list.lines if line.picked < line.qty]


def progress(pick_list):
    """What the scanner screen shows: where the list stands and what is left to do."""
    return {"order_no": pick_list.order_no, "status": pick_list.status, "next": NEXT_STEP[pick_list.status],
            "remaining": remaining(pick_list), "expected_weight_g": pick_list.expected_weight_g}


def listing(session, status=None, limit=100):
    """Pick lists as the floor's HTTP API shows them, with their lines and the next step; oldest approval first."""
    return [_with_next(shown) for shown in stored.listing(session, status, limit)]


def shown(session, order_no, tolerance):
    """One pick list, with the weight window a pack scan must fall in (so screens need not work it out)."""
    found = stored.shown(session, order_no)
    if found is None:
        raise NotFound(f"no pick list for order {order_no}", code="unknown_order", order_no=order_no)
    low, high = tolerance.expected_range(found["expected_weight_g"])
    return {**_with_next(found), "expected_min_g": low, "expected_max_g": high}


def _with_next(shown):
    return {**shown, "next": NEXT_STEP[shown["status"]]}

