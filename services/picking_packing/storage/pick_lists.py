"""Pick lists, their lines and their weighings: rows mapped onto `sheet.Sheet`, written back with prebuilt
Core statements (the scanner path: the ORM's identity map, lazy loads and flush cost more than the few
statements a scan needs), and the floor's listings as rows straight to JSON."""
from functools import lru_cache
from itertools import groupby

import sqlalchemy as sa

from services.picking_packing.models import PickLine, PickList, WeightCheck
from services.picking_packing.sheet import Line, Sheet
from services.picking_packing.status import CANCELLED, HANDED_OVER
from shared.db import UtcDateTime
from shared.db.unit_of_work import insert_ignoring_duplicates
from shared.timeutil import to_iso

LISTS, LINES, CHECKS = PickList.__table__, PickLine.__table__, WeightCheck.__table__

_LIST_COLUMNS = (LISTS.c.order_no, LISTS.c.status, LISTS.c.expected_weight_g, LISTS.c.weight_g, LISTS.c.picker,
                 LISTS.c.packer, LISTS.c.station_id, LISTS.c.tracking_no, LISTS.c.warehouse, LISTS.c.province)
_LINE_COLUMNS = (LINES.c.sku, LINES.c.name, LINES.c.qty, LINES.c.picked, LINES.c.picker.label("line_picker"),
                 LINES.c.picked_at, LINES.c.bin)
_SHEET = (sa.select(*_LIST_COLUMNS, *_LINE_COLUMNS).select_from(LISTS.join(LINES))
          .where(LISTS.c.order_no == sa.bindparam("b_order_no")).order_by(LINES.c.sku))
_BARE = (sa.select(*_LIST_COLUMNS, *(sa.null().label(c.name) for c in _LINE_COLUMNS))
         .where(LISTS.c.order_no == sa.bindparam("b_order_no")))
# One row per line. FOR UPDATE locks the pick list and its lines on PostgreSQL: two scanners on one
# order take turns, and the one that waited reads the lines as the other left them (a lock on the
# pick list alone would re-read that row after the wait, but give the lines of the statement's snapshot).
_LOCK_SHEET, _LOCK_BARE = _SHEET.with_for_update(), _BARE.with_for_update()
_IN_STATUS = (sa.select(*_LIST_COLUMNS, *_LINE_COLUMNS).select_from(LISTS.outerjoin(LINES))
            .where(LISTS.c.status == sa.bindparam("b_status"))
            .order_by(LISTS.c.approved_at, LISTS.c.order_no, LINES.c.sku))
_SAVE = sa.update(LISTS).where(LISTS.c.order_no == sa.bindparam("b_order_no"))   # SET: the keys passed
_INSERT_LINES = sa.insert(LINES)
_ANYONE_IN = sa.select(LISTS.c.order_no).where(LISTS.c.status == sa.bindparam("b_status")).limit(1)
# The guard (and a CHECK) refuse more than ordered; who scanned the line's last goods is kept for order_picked.
_TAKE = (sa.update(LINES).where(LINES.c.order_no == sa.bindparam("b_order_no"), LINES.c.sku == sa.bindparam("b_sku"),
                                LINES.c.picked + sa.bindparam("b_qty") <= LINES.c.qty)
         .values(picked=LINES.c.picked + sa.bindparam("b_qty"), picker=sa.bindparam("b_picker"),
                 picked_at=sa.bindparam("b_at", type_=UtcDateTime())))
_RECORD_WEIGHING = sa.insert(CHECKS)
_LAST_WINDOW = (sa.select(CHECKS.c.expected_min_g, CHECKS.c.expected_max_g)
                .where(CHECKS.c.order_no == sa.bindparam("b_order_no")).order_by(CHECKS.c.id.desc()).limit(1))
_WEIGHERS = (sa.select(CHECKS.c.by).distinct()
             .where(CHECKS.c.order_no == sa.bindparam("b_order_no"), CHECKS.c.override_reason.is_(None)))


@lru_cache(maxsize=None)
def _insert_list(dialect_name):
    return insert_ignoring_duplicates(dialect_name, LISTS)


def _sheet(rows):
    first = rows[0]
    sheet = Sheet(first.order_no, first.status, first.expected_weight_g, first.weight_g, first.picker,
                  first.packer, first.station_id, first.tracking_no, first.warehouse, first.province)
    sheet.lines = [Line(r.sku, r.name, r.qty, r.picked, r.line_picker, r.picked_at, r.bin) for r in rows if r.sku]
    return sheet


def _read(session, order_no, with_lines, bare):
    connection = session.connection()
    rows = connection.execute(with_lines, {"b_order_no": order_no}).all()
    if not rows:   # unknown, or a list without lines (cancelled before its approval came)
        rows = connection.execute(bare, {"b_order_no": order_no}).all()
    return _sheet(rows) if rows else None


def locked(session, order_no):
    """The pick list with its lines, locked until commit (two scanners on one order take turns); None if unknown."""
    return _read(session, order_no, _LOCK_SHEET, _LOCK_BARE)


def find(session, order_no):
    """The pick list with its lines, unlocked; None if unknown."""
    return _read(session, order_no, _SHEET, _BARE)


def in_status(session, status):
    """The pick lists standing at `status`, with their lines, oldest approval first."""
    rows = session.connection().execute(_IN_STATUS, {"b_status": status}).all()
    return [_sheet(list(group)) for _, group in groupby(rows, key=lambda row: row.order_no)]


def overtaken(session, order_nos):
    """{order_no: times a later order overtook it} (bounded FIFO, issue #23)."""
    if not order_nos:
        return {}
    rows = session.connection().execute(sa.select(LISTS.c.order_no, LISTS.c.overtaken)
                                        .where(LISTS.c.order_no.in_(order_nos)))
    return {row.order_no: row.overtaken for row in rows}


def count_overtaken(session, order_nos):
    """Each of `order_nos` was overtaken once more (an order named twice: twice)."""
    for order_no in order_nos:
        session.connection().execute(sa.update(LISTS).where(LISTS.c.order_no == order_no)
                                     .values(overtaken=LISTS.c.overtaken + 1))


def anyone_in(session, status):
    return session.connection().execute(_ANYONE_IN, {"b_status": status}).first() is not None


def insert(session, pick_list, lines):
    """The pick list (a dict of its columns) and its lines; False if the order is already known."""
    connection = session.connection()
    if not connection.execute(_insert_list(connection.dialect.name), pick_list).rowcount:
        return False
    connection.execute(_INSERT_LINES, [{"order_no": pick_list["order_no"], **line} for line in lines])
    return True


def customer_of(session, order_no):
    return session.connection().execute(sa.select(LISTS.c.customer_id).where(LISTS.c.order_no == order_no)).scalar()


def replace_lines(session, order_no, lines):
    """The pick list's lines become `lines` (none picked yet)."""
    connection = session.connection()
    connection.execute(sa.delete(LINES).where(LINES.c.order_no == order_no))
    connection.execute(_INSERT_LINES, [{"order_no": order_no, **line} for line in lines])


def save(session, order_no, values):
    """Write pick list columns."""
    session.connection().execute(_SAVE, {"b_order_no": order_no, **values})


def transition(session, order_no, from_statuses, to_status, **values):
    """Move a pick list only if it still stands where we think (1 if it moved, 0 if not)."""
    return session.execute(
        sa.update(PickList).where(PickList.order_no == order_no, PickList.status.in_(from_statuses))
        .values(status=to_status, **values)).rowcount


def take(session, order_no, sku, qty, picker, at):
    """Count `qty` of a line as picked by `picker` if no more than ordered (False if more)."""
    return bool(session.connection().execute(_TAKE, {"b_order_no": order_no, "b_sku": sku, "b_qty": qty,
                                                     "b_picker": picker, "b_at": at}).rowcount)


def record_weighing(session, **values):
    session.connection().execute(_RECORD_WEIGHING, values)


def last_window(session, order_no):
    """(expected_min_g, expected_max_g) of the parcel's last weighing."""
    last = session.connection().execute(_LAST_WINDOW, {"b_order_no": order_no}).one()
    return last.expected_min_g, last.expected_max_g


def weighers(session, order_no):
    """Who weighed the parcel at a packing station (overrides are not weighings)."""
    return session.connection().execute(_WEIGHERS, {"b_order_no": order_no}).scalars().all()


# The floor screen asks for ready work many times a second: rows straight to JSON, no ORM objects.
_SHOWN = (sa.select(LISTS.c.order_no, LISTS.c.status, LISTS.c.expected_weight_g, LISTS.c.weight_g, LISTS.c.approved_at,
                    LISTS.c.picker, LISTS.c.packer, LISTS.c.tracking_no, LISTS.c.cancel_reason, LISTS.c.warehouse,
                    LISTS.c.overtaken)
          .order_by(LISTS.c.approved_at, LISTS.c.order_no))
_LISTING = _SHOWN.limit(sa.bindparam("b_limit"))
_LISTING_BY_STATUS = _LISTING.where(LISTS.c.status == sa.bindparam("b_status"))
_ONE = _SHOWN.where(LISTS.c.order_no == sa.bindparam("b_order_no"))
# Each order's lines on its pick route: by bin (lines not reserved yet last), then SKU.
_LINES_OF = (sa.select(LINES.c.order_no, LINES.c.sku, LINES.c.name, LINES.c.qty, LINES.c.picked, LINES.c.bin)
             .where(LINES.c.order_no.in_(sa.bindparam("b_order_nos", expanding=True)))
             .order_by(LINES.c.order_no, LINES.c.bin.is_(None), LINES.c.bin, LINES.c.sku))
_COUNTS = sa.select(LISTS.c.status, sa.func.count()).group_by(LISTS.c.status)


def _shown(connection, rows):
    """Pick lists as the floor's HTTP API shows them, with their lines."""
    lines = {}
    if rows:
        for line in connection.execute(_LINES_OF, {"b_order_nos": [row.order_no for row in rows]}):
            lines.setdefault(line.order_no, []).append(
                {"sku": line.sku, "name": line.name, "qty": line.qty, "picked": line.picked, "bin": line.bin})
    return [{"order_no": row.order_no, "status": row.status, "expected_weight_g": row.expected_weight_g,
             "weight_g": row.weight_g, "approved_at": to_iso(row.approved_at), "picker": row.picker,
             "packer": row.packer, "tracking_no": row.tracking_no, "cancel_reason": row.cancel_reason,
             "warehouse": row.warehouse, "overtaken": row.overtaken, "lines": lines.get(row.order_no, [])}
            for row in rows]


def listing(session, status=None, limit=100):
    """Oldest approval first."""
    connection = session.connection()
    if status:
        rows = connection.execute(_LISTING_BY_STATUS, {"b_status": status, "b_limit": limit}).all()
    else:
        rows = connection.execute(_LISTING, {"b_limit": limit}).all()
    return _shown(connection, rows)


def shown(session, order_no):
    """One pick list as the API shows it, or None."""
    connection = session.connection()
    found = _shown(connection, connection.execute(_ONE, {"b_order_no": order_no}).all())
    return found[0] if found else None


def counts_by_status(session):
    return {status: count for status, count in session.connection().execute(_COUNTS)}


def open_in_warehouse(session, warehouse):
    """How many pick lists the warehouse serves that are neither handed over nor cancelled."""
    return session.scalar(sa.select(sa.func.count()).select_from(LISTS).where(
        LISTS.c.warehouse == warehouse, LISTS.c.status.notin_((HANDED_OVER, CANCELLED))))
