"""Pick lists (配货单): opened from approved orders, cancelled with their stock given back.

The scanner path works on a `Sheet`: a pick list and its lines read in one locked statement, and
written back with prebuilt Core statements. A scan is the floor's busiest request, and the ORM's
identity map, lazy loads and flush cost more than the few statements a scan needs.
"""
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

import sqlalchemy as sa

from services.picking_packing import allocation, inventory, stock
from services.picking_packing.models import PickLine, PickList, WarehouseTask
from services.picking_packing.status import CANCELLED, HANDED_OVER, NEXT_STEP, READY, RESERVING, WAITING
from services.picking_packing.weighing import expected_weight_g
from shared.db.unit_of_work import insert_ignoring_duplicates
from shared.errors import Conflict, NotFound
from shared.timeutil import to_iso, utcnow

LISTS, LINES = PickList.__table__, PickLine.__table__
_UNKNOWN = object()


@dataclass
class Line:
    sku: str
    name: str
    qty: int
    picked: int
    picker: Optional[str] = None
    picked_at: object = None


@dataclass
class Sheet:
    """A pick list as one scan sees it (locked until commit)."""
    order_no: str
    status: str
    expected_weight_g: int
    weight_g: Optional[int] = None
    picker: Optional[str] = None
    packer: Optional[str] = None
    station_id: Optional[str] = None
    tracking_no: Optional[str] = None
    lines: list = field(default_factory=list)

    def line(self, sku):
        return next((line for line in self.lines if line.sku == sku), None)


_LIST_COLUMNS = (LISTS.c.order_no, LISTS.c.status, LISTS.c.expected_weight_g, LISTS.c.weight_g, LISTS.c.picker,
                 LISTS.c.packer, LISTS.c.station_id, LISTS.c.tracking_no)
_LINE_COLUMNS = (LINES.c.sku, LINES.c.name, LINES.c.qty, LINES.c.picked, LINES.c.picker.label("line_picker"),
                 LINES.c.picked_at)
# One row per line. FOR UPDATE locks the pick list and its lines on PostgreSQL: two scanners on one
# order take turns, and the one that waited reads the lines as the other left them (a lock on the
# pick list alone would re-read that row after the wait, but give the lines of the statement's snapshot).
_LOCK_SHEET = (sa.select(*_LIST_COLUMNS, *_LINE_COLUMNS).select_from(LISTS.join(LINES))
               .where(LISTS.c.order_no == sa.bindparam("b_order_no")).order_by(LINES.c.sku)
               .with_for_update())
_LOCK_BARE = (sa.select(*_LIST_COLUMNS, *(sa.null().label(c.name) for c in _LINE_COLUMNS))
              .where(LISTS.c.order_no == sa.bindparam("b_order_no")).with_for_update())
_SAVE = sa.update(LISTS).where(LISTS.c.order_no == sa.bindparam("b_order_no"))   # SET: the keys passed
_INSERT_LINES = sa.insert(LINES)
_ANYONE_WAITING = sa.select(LISTS.c.order_no).where(LISTS.c.status == WAITING).limit(1)


@lru_cache(maxsize=None)
def _insert_list(dialect_name):
    return insert_ignoring_duplicates(dialect_name, LISTS)


def sheet_from_rows(rows):
    first = rows[0]
    sheet = Sheet(first.order_no, first.status, first.expected_weight_g, first.weight_g, first.picker,
                  first.packer, first.station_id, first.tracking_no)
    sheet.lines = [Line(r.sku, r.name, r.qty, r.picked, r.line_picker, r.picked_at) for r in rows if r.sku]
    return sheet


def locked(session, order_no):
    """The pick list with its lines, locked until commit: two scanners on one order take turns."""
    connection = session.connection()
    rows = connection.execute(_LOCK_SHEET, {"b_order_no": order_no}).all()
    if not rows:   # unknown, or a list without lines (cancelled before its approval came)
        rows = connection.execute(_LOCK_BARE, {"b_order_no": order_no}).all()
    if not rows:
        raise NotFound(f"no pick list for order {order_no}", code="unknown_order", order_no=order_no,
                       next="check the order number on the dispatch note")
    return sheet_from_rows(rows)


def save(session, sheet, **values):
    """Write pick list columns (none if the sheet already shows these values)."""
    if all(getattr(sheet, key, _UNKNOWN) == value for key, value in values.items()):
        return
    session.connection().execute(_SAVE, {"b_order_no": sheet.order_no, **values})
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
    levels = stock.locked_levels(session, needs)
    alone = session.connection().execute(_ANYONE_WAITING).first() is None
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
    order_no, connection = approved["order_no"], session.connection()
    weight = expected_weight_g(lines, settings.packaging_allowance_g)
    stored = connection.execute(_insert_list(connection.dialect.name), {
        "order_no": order_no, "customer_id": approved["customer_id"], "status": status, "expected_weight_g": weight,
        "approved_at": approved["approved_at"], "created_at": utcnow()}).rowcount
    if not stored:
        return None
    connection.execute(_INSERT_LINES, [
        {"order_no": order_no, "sku": l["sku"], "name": l["name"], "qty": l["qty"], "picked": 0,
         "unit_weight_g": l["unit_weight_g"]} for l in lines])
    return Sheet(order_no, status, weight, lines=[Line(l["sku"], l["name"], l["qty"], 0) for l in lines])


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


# The floor screen asks for ready work many times a second: rows straight to JSON, no ORM objects.
_SHOWN = (sa.select(LISTS.c.order_no, LISTS.c.status, LISTS.c.expected_weight_g, LISTS.c.weight_g, LISTS.c.approved_at,
                    LISTS.c.picker, LISTS.c.packer, LISTS.c.tracking_no, LISTS.c.cancel_reason)
          .order_by(LISTS.c.approved_at, LISTS.c.order_no))
_LISTING = _SHOWN.limit(sa.bindparam("b_limit"))
_LISTING_BY_STATUS = _LISTING.where(LISTS.c.status == sa.bindparam("b_status"))
_ONE = _SHOWN.where(LISTS.c.order_no == sa.bindparam("b_order_no"))
_LINES_OF = (sa.select(LINES.c.order_no, LINES.c.sku, LINES.c.name, LINES.c.qty, LINES.c.picked)
             .where(LINES.c.order_no.in_(sa.bindparam("b_order_nos", expanding=True)))
             .order_by(LINES.c.order_no, LINES.c.sku))
_COUNTS = sa.select(LISTS.c.status, sa.func.count()).group_by(LISTS.c.status)


def _shown(connection, rows):
    """Pick lists as the floor's HTTP API shows them, with their lines and the next step."""
    lines = {}
    if rows:
        for line in connection.execute(_LINES_OF, {"b_order_nos": [row.order_no for row in rows]}):
            lines.setdefault(line.order_no, []).append(
                {"sku": line.sku, "name": line.name, "qty": line.qty, "picked": line.picked})
    return [{"order_no": row.order_no, "status": row.status, "expected_weight_g": row.expected_weight_g,
             "weight_g": row.weight_g, "approved_at": to_iso(row.approved_at), "picker": row.picker,
             "packer": row.packer, "tracking_no": row.tracking_no, "cancel_reason": row.cancel_reason,
             "lines": lines.get(row.order_no, []), "next": NEXT_STEP[row.status]} for row in rows]


def listing(session, status=None, limit=100):
    """Oldest approval first."""
    connection = session.connection()
    if status:
        rows = connection.execute(_LISTING_BY_STATUS, {"b_status": status, "b_limit": limit}).all()
    else:
        rows = connection.execute(_LISTING, {"b_limit": limit}).all()
    return _shown(connection, rows)


def shown(session, order_no, tolerance):
    """One pick list, with the weight window a pack scan must fall in (so screens need not work it out)."""
    connection = session.connection()
    found = _shown(connection, connection.execute(_ONE, {"b_order_no": order_no}).all())
    if not found:
        raise NotFound(f"no pick list for order {order_no}", code="unknown_order", order_no=order_no)
    low, high = tolerance.expected_range(found[0]["expected_weight_g"])
    return {**found[0], "expected_min_g": low, "expected_max_g": high}


def counts_by_status(session):
    return {status: count for status, count in session.connection().execute(_COUNTS)}
