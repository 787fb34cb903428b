"""Pick lists (配货单): opened from approved orders, cancelled with their stock given back.

Every use case works on a `sheet.Sheet`, read and written back by `storage.pick_lists`.
"""
from services.picking_packing import allocation, inventory, stock
from services.picking_packing.models import PickList, WarehouseTask
from services.picking_packing.sheet import Line, Sheet
from services.picking_packing.status import CANCELLED, HANDED_OVER, NEXT_STEP, READY, RESERVING, WAITING
from services.picking_packing.storage import pick_lists as stored
from services.picking_packing.storage import stock as stored_stock
from services.picking_packing.storage import waves as stored_waves
from services.picking_packing.weighing import expected_weight_g
from shared.errors import Conflict, NotFound, PermanentFailure
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
    """An approved order becomes a pick list; it reserves its goods in one warehouse or waits for them in turn.

    Usually no order is waiting for stock, and first come, first served reduces to "are its goods
    on the shelves of one warehouse": the stock rows and their bins are locked first (a concurrent
    approval waits), then the list is stored with its final status, warehouse and bins. Otherwise every
    waiting order is planned again, this one in turn.
    Returns the new Sheet, or None for an order already known (approved twice, or cancelled first).
    """
    session, order_no = uow.session, approved["order_no"]
    province = approved["shipping_address"]["province"]
    lines = merged_lines(approved["lines"])
    needs = {line["sku"]: line["qty"] for line in lines}
    levels, shelves = stored_stock.locked_stock(session, needs)
    alone = not stored.anyone_in(session, WAITING)
    short, served = {}, None
    if alone:
        planned, short = allocation.plan_from([(order_no, needs, province)], shelves,
                                              allocation.nearest(session, shelves, [province]))
        served = planned[0] if planned else None
    sheet = _insert(session, approved, lines, WAITING if short or not alone else READY, settings, served)
    if sheet is None:
        return None
    if not alone:
        short = allocation.serve_waiting(uow, settings, new_order_no=order_no)
        sheet.status = WAITING if order_no in short else READY
    elif not short:
        _, warehouse, takes = served
        stock.reserve(session, needs, order_no, warehouse, takes, line_bins_stored=True)
        allocation.announce_reserved(uow, order_no, needs, was_waiting=False)
        stock.check_low(uow, needs, settings.low_stock_threshold, levels=stock.after_reserving(levels, needs))
    else:
        stock.check_low(uow, needs, settings.low_stock_threshold, levels=levels)
    if order_no in short:
        uow.publish("order_out_of_stock", {"order_no": order_no, "customer_id": approved["customer_id"],
                                           "short": short[order_no]}, aggregate_id=order_no)
    return sheet


def change_goods(uow, changed, settings):
    """Order review changed the goods of an approved order (order_goods_changed). Taken while nothing is
    picked (waiting for stock, or reserved and not yet scanned): the reserved goods go back to the bins they were
    reserved in, the lines are replaced and the order is planned again in its turn, from whichever warehouse now
    ships the changed goods whole (stock_reserved or order_out_of_stock, as on arrival).
    Once a scan came first (the pick list's lock settles the race) it is refused: order_goods_change_refused,
    and the pick list keeps its lines."""
    session, order_no = uow.session, changed["order_no"]
    sheet = stored.locked(session, order_no)
    if sheet is None:
        raise PermanentFailure(f"order {order_no} has no pick list: review changes goods only of an order the "
                               "warehouse reported waiting")
    if sheet.status == CANCELLED:
        return sheet
    if sheet.status not in (WAITING, READY) or any(line.picked for line in sheet.lines):
        uow.publish("order_goods_change_refused", {"order_no": order_no, "change_id": changed["change_id"],
                                                   "reason": "picking_started", "status": sheet.status},
                    aggregate_id=order_no)
        return sheet
    if sheet.status == READY:
        stock.release(session, allocation.needs_of(sheet), order_no)
    stored_stock.forget_pick_bins(session, order_no)   # its warehouse and bins are chosen again
    lines = merged_lines(changed["lines"])
    stored.replace_lines(session, order_no, [{"sku": l["sku"], "name": l["name"], "qty": l["qty"], "picked": 0,
                                              "unit_weight_g": l["unit_weight_g"], "bin": None} for l in lines])
    save(session, sheet, status=WAITING, warehouse=None,
         expected_weight_g=expected_weight_g(lines, settings.packaging_allowance_g))
    session.flush()
    short = allocation.serve_waiting(uow, settings)   # in its turn (approved_at), as every waiting order
    if order_no in short:
        uow.publish("order_out_of_stock", {"order_no": order_no, "customer_id": stored.customer_of(session, order_no),
                                           "short": short[order_no]}, aggregate_id=order_no)
    uow.publish("order_goods_change_taken", {"order_no": order_no, "change_id": changed["change_id"],
                                             "status": WAITING if order_no in short else READY}, aggregate_id=order_no)
    return sheet


def _insert(session, approved, lines, status, settings, served):
    """The pick list and its lines (with the warehouse and first bins when `served`); None if the order is
    already known."""
    order_no = approved["order_no"]
    warehouse, bins = (served[1], stock.first_bins(served[2])) if served else (None, {})
    weight = expected_weight_g(lines, settings.packaging_allowance_g)
    stored_lines = [{"sku": l["sku"], "name": l["name"], "qty": l["qty"], "picked": 0,
                     "unit_weight_g": l["unit_weight_g"], "bin": bins.get(l["sku"])} for l in lines]
    if not stored.insert(session, {"order_no": order_no, "customer_id": approved["customer_id"], "status": status,
                                   "warehouse": warehouse, "province": approved["shipping_address"]["province"],
                                   "courier": approved.get("courier"), "expected_weight_g": weight, "approved_at": approved["approved_at"],
                                   "created_at": utcnow()}, stored_lines):
        return None
    return Sheet(order_no, status, weight, warehouse=warehouse,
                 lines=[Line(l["sku"], l["name"], l["qty"], 0, bin=bins.get(l["sku"])) for l in lines])


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
        stock.release(session, needs, order_no)
        inventory.restocked(uow, needs, "cancelled", settings)
    elif was_waiting:
        session.flush()
        allocation.serve_waiting(uow, settings)   # its claim no longer holds back later orders
    return sheet


def refusal(pick_list, code, message, **details):
    """A scan refused: the reason, and what is left to do on this pick list."""
    return Conflict(message, code=code, **progress(pick_list), **details)


def remaining(pick_list):
    """What is left to pick, in pick route order (by bin)."""
    return [{"sku": line.sku, "name": line.name, "qty": line.qty, "picked": line.picked, "bin": line.bin,
             "left": line.qty - line.picked} for line in route(pick_list.lines) if line.picked < line.qty]


def route(lines):
    """The pick route: lines by bin (lines not reserved yet last), then SKU."""
    return sorted(lines, key=lambda line: (line.bin is None, line.bin or "", line.sku))


def progress(pick_list):
    """What the scanner screen shows: where the list stands, the warehouse, and what is left to do."""
    return {"order_no": pick_list.order_no, "status": pick_list.status, "next": NEXT_STEP[pick_list.status],
            "warehouse": pick_list.warehouse, "remaining": remaining(pick_list),
            "expected_weight_g": pick_list.expected_weight_g}


def listing(session, status=None, limit=100):
    """Pick lists as the floor's HTTP API shows them, with their lines and the next step; oldest approval first."""
    return [_with_next(shown) for shown in stored.listing(session, status, limit)]


def shown(session, order_no, tolerance):
    """One pick list, with the weight window a pack scan must fall in (so screens need not work it out)."""
    found = stored.shown(session, order_no)
    if found is None:
        raise NotFound(f"no pick list for order {order_no}", code="unknown_order", order_no=order_no)
    low, high = tolerance.expected_range(found["expected_weight_g"])
    bins = {}
    for _, code, sku, qty in stored_stock.pick_bins(session, order_no):
        bins.setdefault(sku, []).append({"bin": code, "qty": qty})
    found["lines"] = [{**line, "bins": bins.get(line["sku"], [])} for line in found["lines"]]
    found["wave"] = stored_waves.slot_of(session, order_no)   # its wave and put-wall slot, if any
    return {**_with_next(found), "expected_min_g": low, "expected_max_g": high}


def _with_next(shown):
    return {**shown, "next": NEXT_STEP[shown["status"]]}

