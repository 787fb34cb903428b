"""Pick lists (配货单): opened from approved orders, cancelled with their stock given back."""
import sqlalchemy as sa

from services.picking_packing import allocation, inventory, stock
from services.picking_packing.models import PickLine, PickList, WarehouseTask
from services.picking_packing.status import CANCELLED, HANDED_OVER, NEXT_STEP, RESERVING, WAITING
from services.picking_packing.weighing import expected_weight_g
from shared.errors import Conflict, NotFound
from shared.timeutil import utcnow


def merged_lines(lines):
    """One pick line per SKU, even if the order lists a SKU twice."""
    merged = {}
    for line in lines:
        known = merged.setdefault(line["sku"], {**line, "qty": 0})
        known["qty"] += line["qty"]
    return [merged[sku] for sku in sorted(merged)]


def open_pick_list(uow, approved, settings):
    """An approved order becomes a pick list; it reserves its goods or waits for them in turn."""
    session, order_no = uow.session, approved["order_no"]
    if session.get(PickList, order_no) is not None:
        return None   # already known: approved twice, or cancelled before it was approved
    lines = merged_lines(approved["lines"])
    now = utcnow()
    pick_list = PickList(order_no=order_no, customer_id=approved["customer_id"], status=WAITING,
                         expected_weight_g=expected_weight_g(lines, settings.packaging_allowance_g),
                         approved_at=approved["approved_at"], created_at=now)
    session.add(pick_list)
    session.add_all(PickLine(order_no=order_no, sku=l["sku"], name=l["name"], qty=l["qty"], picked=0,
                             unit_weight_g=l["unit_weight_g"]) for l in lines)
    session.flush()
    short = allocation.serve_waiting(uow, settings, new_order_no=order_no)
    if order_no in short:
        uow.publish("order_out_of_stock", {"order_no": order_no, "customer_id": approved["customer_id"],
                                           "short": short[order_no]}, aggregate_id=order_no)
    return pick_list


def cancel(uow, order_no, reason, settings):
    """Cancelled before hand-over: reserved stock goes back; picked goods get a put-away task."""
    session, now = uow.session, utcnow()
    pick_list = session.get(PickList, order_no, with_for_update=True)
    if pick_list is None:
        # Cancelled before its approval reached us: remember it so the approval opens nothing.
        session.add(PickList(order_no=order_no, customer_id="", status=CANCELLED, expected_weight_g=0,
                             approved_at=now, created_at=now, cancel_reason=reason[:500]))
        return None
    if pick_list.status in (CANCELLED, HANDED_OVER):
        return pick_list   # nothing to give back; a parcel already out is after-sales' interception
    held_stock, was_waiting = pick_list.status in RESERVING, pick_list.status == WAITING
    pick_list.status, pick_list.cancel_reason = CANCELLED, reason[:500]
    picked = [line for line in pick_list.lines if line.picked]
    session.add_all(WarehouseTask(kind="put_away", status="open", order_no=order_no, sku=line.sku,
                                  qty=line.picked, created_at=now) for line in picked)
    uow.publish("pick_list_cancelled", {"order_no": order_no, "reason": reason, "restock_task": bool(picked)},
                aggregate_id=order_no)
    if held_stock:
        needs = allocation.needs_of(pick_list)
        stock.release(session, needs)
        inventory.restocked(uow, needs, "cancelled", settings)
    elif was_waiting:
        session.flush()
        allocation.serve_waiting(uow, settings)   # its claim no longer holds back later orders
    return pick_list


def locked(session, order_no):
    """The pick list, locked until commit: two scanners on one order take turns."""
    pick_list = session.get(PickList, order_no, with_for_update=True)
    if pick_list is None:
        raise NotFound(f"no pick list for order {order_no}", code="unknown_order", order_no=order_no,
                       next="check the order number on the dispatch note")
    return pick_list


def refusal(pick_list, code, message, **details):
    """A scan refused: the reason, and what is left to do on this pick list."""
    return Conflict(message, code=code, **progress(pick_list), **details)


def get(session, order_no):
    pick_list = session.get(PickList, order_no)
    if pick_list is None:
        raise NotFound(f"no pick list for order {order_no}", code="unknown_order", order_no=order_no)
    return pick_list


def remaining(pick_list):
    return [{"sku": line.sku, "name": line.name, "qty": line.qty, "picked": line.picked,
             "left": line.qty - line.picked} for line in pick_list.lines if line.picked < line.qty]


def progress(pick_list):
    """What the scanner screen shows: where the list stands and what is left to do."""
    return {"order_no": pick_list.order_no, "status": pick_list.status, "next": NEXT_STEP[pick_list.status],
            "remaining": remaining(pick_list), "expected_weight_g": pick_list.expected_weight_g}


def listing(session, status=None, limit=100):
    query = sa.select(PickList).order_by(PickList.approved_at, PickList.order_no).limit(limit)
    if status:
        query = query.where(PickList.status == status)
    return session.scalars(query).all()


def counts_by_status(session):
    rows = session.execute(sa.select(PickList.status, sa.func.count()).group_by(PickList.status)).all()
    return {status: count for status, count in rows}
