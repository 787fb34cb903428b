"""Wave picking (波次, issue #23): a picker takes N orders of one warehouse (optionally one courier's, or one
zone's: a bin-location prefix) and picks them in one walk along a route sorted by bin, then sorts the goods into
the orders' put-wall slots at packing.

A wave takes the oldest ready pick lists (nothing picked yet) that are in no wave, from one warehouse; waves of
a warehouse are made one at a time (its row is locked) and a pick list is in one wave at most (unique). A wave
scan credits the wave's pick lists in slot order through the scanner's own pick (`scanning.pick`), so every pick
line's count, the pick list's status and `order_picked` are as if each order had been scanned alone; more than the
wave still needs of the SKU is refused whole. Refusals are answered, not raised, so a retried scan (same scan_id)
gets the same answer.

A supervisor may call an open wave off (`cancel`): its pick lists with nothing picked leave it, free for another
wave or for picking order by order; those with goods already picked keep their put-wall slot (the goods are in
it, and the packing station still shows where), and the rest of their goods is picked order by order.
"""
from services.picking_packing import pick_lists, scanning
from services.picking_packing.storage import stock as stored_stock
from services.picking_packing.storage import waves as stored
from shared.errors import Conflict, NotFound, RuleViolation

SIZE_MIN, SIZE_MAX = 1, 50   # orders in one wave
OPEN, PICKED, CANCELLED = "open", "picked", "cancelled"
DONE, REFUSED = "done", "refused"   # a wave scan's outcomes (http answers each)


def create(uow, body, staff_id, now):
    """A new wave of up to `size` orders matching the selection; the wave as `shown` shows it."""
    session, size = uow.session, body["size"]
    if not SIZE_MIN <= size <= SIZE_MAX:
        raise RuleViolation(f"a wave holds {SIZE_MIN} to {SIZE_MAX} orders, not {size}",
                            code="wave_size_out_of_range", field="size", size=size, min=SIZE_MIN, max=SIZE_MAX)
    courier, zone = body.get("courier"), body.get("zone")
    warehouse = body.get("warehouse") or stored.oldest_warehouse(session, courier, zone)
    if warehouse and not stored.lock_warehouse(session, warehouse):
        raise NotFound(f"no warehouse {warehouse}", code="unknown_warehouse", field="warehouse", warehouse=warehouse)
    order_nos = stored.candidates(session, warehouse, courier, zone, size) if warehouse else []
    if not order_nos:
        raise Conflict("no ready pick list outside a wave matches", code="nothing_to_wave",
                       warehouse=warehouse or "", courier=courier or "", zone=zone or "")
    wave_id = stored.insert(session, {"warehouse": warehouse, "status": OPEN, "created_by": staff_id,
                                      "created_at": now, "courier": courier, "zone": zone, "size": size}, order_nos)
    return shown(session, wave_id)


def shown(session, wave_id):
    """The wave, its orders by slot, its route (per SKU and bin, by bin, with the put-wall split: slot -> qty)
    and its progress per SKU."""
    wave = stored.wave(session, wave_id)
    if wave is None:
        raise NotFound(f"no wave {wave_id}", code="unknown_wave", wave_id=wave_id)
    return {**wave, "orders": stored.orders(session, wave_id), "route": route(stored.route_rows(session, wave_id)),
            "progress": [{**p, "left": p["qty"] - p["picked"]} for p in stored.progress(session, wave_id)]}


def route(rows):
    """(bin, sku, name, slot, qty) rows, sorted by bin -> one stop per SKU and bin, in that order: the quantity
    to take there and how it splits into slots."""
    stops = {}
    for bin_code, sku, name, slot, qty in rows:
        stop = stops.setdefault((bin_code, sku), {"bin": bin_code, "sku": sku, "name": name, "qty": 0, "slots": []})
        stop["qty"] += qty
        stop["slots"].append({"slot": slot, "qty": qty})
    return [stops[key] for key in sorted(stops)]


def scan(uow, body, staff_id, settings, now):
    """(outcome, answer) of a wave scan: DONE (what went to which slot) or REFUSED (why, and what is left)."""
    session, wave_id = uow.session, body["wave_id"]
    wave = stored.wave(session, wave_id, lock=True)   # a wave's scans take turns
    if wave is None:
        raise NotFound(f"no wave {wave_id}", code="unknown_wave", wave_id=wave_id)
    if wave["status"] == CANCELLED:
        return REFUSED, _refusal("wave_cancelled", f"wave {wave_id} was called off: pick its orders one by one",
                                 wave)
    sku, qty = _sku_in(session, wave_id, body["sku"]), body["quantity"]
    if sku is None or (body.get("bin") and not stored.holds_bin(session, wave_id, sku, body["bin"])):
        return REFUSED, _refusal("not_in_wave", f"{body['sku']} is not in wave {wave_id}", wave,
                                 sku=body["sku"], bin=body.get("bin"))
    sheets = [(slot, pick_lists.locked(session, order_no)) for slot, order_no in stored.lines_to_pick(session,
                                                                                                      wave_id, sku)]
    # (read again under the locks: a list whose goods changed or that was cancelled meanwhile is passed over)
    lefts = [(slot, sheet, line.qty - line.picked) for slot, sheet in sheets
             if sheet.status in stored.UNPICKED and (line := sheet.line(sku)) is not None]
    left = sum(n for _, _, n in lefts)
    if qty > left:
        return REFUSED, _refusal("wave_over_pick", f"{sku}: {left} left to pick in the wave, scanned {qty}", wave,
                                 sku=sku, left=left, quantity=qty)
    credited = credit(uow, lefts, sku, qty, staff_id, settings, now)
    if not stored.anything_to_pick(session, wave_id):
        stored.set_status(session, wave_id, PICKED)
        wave["status"] = PICKED
    return DONE, {"wave_id": wave_id, "wave_status": wave["status"], "sku": sku, "quantity": qty,
                  "credited": credited, "left": left - qty}


def cancel(uow, wave_id, by, reason, now):
    """Call an open wave off; the wave as `shown`, with the order numbers `released` and those `kept` in their
    slots. The wave's row is locked first (as its scans lock it), then its pick lists in order-number order (as
    an order's own scans lock each), so what counts as picked is what is picked."""
    session = uow.session
    wave = stored.wave(session, wave_id, lock=True)
    if wave is None:
        raise NotFound(f"no wave {wave_id}", code="unknown_wave", wave_id=wave_id)
    if wave["status"] != OPEN:
        raise Conflict(f"wave {wave_id} is {wave['status']}: only an open wave can be called off",
                       code="wave_not_open", wave_id=wave_id, wave_status=wave["status"])
    order_nos = sorted(order["order_no"] for order in stored.orders(session, wave_id))
    sheets = [pick_lists.locked(session, order_no) for order_no in order_nos]
    kept = [sheet.order_no for sheet in sheets if sheet and any(line.picked for line in sheet.lines)]
    released = [order_no for order_no in order_nos if order_no not in kept]
    stored.release(session, wave_id, released)
    stored.set_status(session, wave_id, CANCELLED, cancelled_by=by, cancelled_at=now, cancel_reason=reason)
    return {**shown(session, wave_id), "released": released, "kept": kept}


def credit(uow, lefts, sku, qty, staff_id, settings, now):
    """`qty` of the SKU to the pick lists in slot order, each through the scanner's pick; [{slot, order_no, qty}]."""
    credited = []
    for slot, sheet, left in lefts:
        take = min(left, qty)
        if take:
            scanning.pick(uow, {"order_no": sheet.order_no, "barcode": sku, "qty": take}, staff_id, settings, now)
            credited.append({"slot": slot, "order_no": sheet.order_no, "qty": take})
            qty -= take
    return credited


def _sku_in(session, wave_id, scanned):
    """The wave's SKU the scanned code is (the SKU itself, or a barcode mapped to it); None if not in the wave."""
    for sku in (scanned, stored_stock.sku_of_barcode(session, scanned)):
        if sku and stored.holds_sku(session, wave_id, sku):
            return sku
    return None


def _refusal(code, message, wave, **details):
    return {"error": code, "message": message, "wave_id": wave["id"], "wave_status": wave["status"], **details}
