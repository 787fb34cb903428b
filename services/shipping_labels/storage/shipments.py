"""Shipments in the database: found, locked for change, created once, and the reads of the use cases."""
from functools import lru_cache

import sqlalchemy as sa

from services.shipping_labels.models import Shipment, ShipmentHistory, Waybill
from shared.db import UtcDateTime
from shared.db.unit_of_work import insert_ignoring_duplicates
from shared.errors import NotFound

# Built once: every parcel event locks its shipment, and building the statement cost as much as running it.
_LOCKED = sa.select(Shipment).where(Shipment.order_no == sa.bindparam("order_no")).with_for_update()


def locked(session, order_no, missing_ok=False):
    shipment = session.scalar(_LOCKED, {"order_no": order_no})
    if shipment is None and not missing_ok:
        raise NotFound(f"no shipment for order {order_no}", code="unknown_order")
    return shipment


def get(session, order_no):
    shipment = session.get(Shipment, order_no)
    if shipment is None:
        raise NotFound(f"no shipment for order {order_no}", code="unknown_order")
    return shipment


# Labelling a packed parcel and handing it over are the service's hottest paths: the row is read (and, for
# labelling, written back) with prepared Core statements instead of an ORM object, whose loading and
# flushing cost more than the SQL.
_shipments = Shipment.__table__
_LABELLING_COLUMNS = ("status", "carrier", "service", "zone", "cost", "weight_g", "packed_at", "tracking_no",
                      "waiting_since", "problem")
_LOCKED_ROW = sa.select(_shipments).where(_shipments.c.order_no == sa.bindparam("order_no")).with_for_update()
_SAVE_ROW = (_shipments.update().where(_shipments.c.order_no == sa.bindparam("for_order_no"))
             .values({name: sa.bindparam(name) for name in _LABELLING_COLUMNS}))


class ShipmentRow:
    """A locked shipment as a plain object with the model's attribute names; `save` writes back the
    columns labelling may change."""

    def __init__(self, row):
        self.__dict__.update(row._mapping)

    def save(self, session):
        session.connection().execute(_SAVE_ROW, {"for_order_no": self.order_no,
                                                 **{name: getattr(self, name) for name in _LABELLING_COLUMNS}})


def locked_row(session, order_no):
    """The shipment locked for change as a ShipmentRow, or None."""
    row = session.connection().execute(_LOCKED_ROW, {"order_no": order_no}).first()
    return None if row is None else ShipmentRow(row)


@lru_cache(maxsize=None)
def _insert_shipment(dialect_name):
    return insert_ignoring_duplicates(dialect_name, _shipments)


def insert_if_new(session, values):
    """One statement: the shipment is inserted unless the order is already here (no lookup first). -> inserted"""
    connection = session.connection()
    return bool(connection.execute(_insert_shipment(connection.dialect.name), values).rowcount)


def count_reprint(session, order_no):
    """Count a reprint of the order's live label: False when it has none (not labelled)."""
    return bool(session.execute(
        sa.update(Shipment).where(Shipment.order_no == order_no, Shipment.status == "labelled")
        .values(reprint_count=Shipment.reprint_count + 1).execution_options(synchronize_session=False)).rowcount)


def others_waiting(session, carrier, order_no):
    """How many parcels other than `order_no` wait for one of the carrier's numbers."""
    return session.scalar(sa.select(sa.func.count()).select_from(Shipment).where(
        Shipment.carrier == carrier, Shipment.status == "awaiting_number", Shipment.order_no != order_no))


def waiting_locked(session, carrier):
    """The parcels waiting for the carrier's numbers, first come first served, locked for change."""
    return session.scalars(
        sa.select(Shipment).where(Shipment.carrier == carrier, Shipment.status == "awaiting_number")
        .order_by(Shipment.waiting_since, Shipment.order_no).with_for_update()).all()


_SILENT_SINCE = sa.func.coalesce(Shipment.last_scan_at, Shipment.handed_over_at, type_=UtcDateTime)


def silent_untold(session, before, limit):
    """[(shipment, silent_since)]: shipped parcels with no scan (or hand-over) since `before` whose silence was
    not yet told, locked (others' locked rows skipped: the next round takes them)."""
    return session.execute(
        sa.select(Shipment, _SILENT_SINCE.label("silent_since"))
        .where(Shipment.status == "shipped", _SILENT_SINCE < before,
               sa.or_(Shipment.stuck_reported_for.is_(None), Shipment.stuck_reported_for != _SILENT_SINCE))
        .order_by(Shipment.order_no).limit(limit).with_for_update(skip_locked=True)).all()


# Scanner stations poll GET /shipments/{order_no} until the label exists, so the read is two prepared Core
# queries (the shipment with its waybills, then its history) and no ORM objects.
_waybills, _history = Waybill.__table__, ShipmentHistory.__table__
_SHIPMENT_COLUMNS = ("order_no", "status", "carrier", "service", "zone", "tracking_no", "weight_g", "cost",
                     "payment_method", "cod_amount", "reprint_count", "handed_over_at", "shipper", "problem",
                     "change_refused")
_WAYBILL_COLUMNS = ("tracking_no", "status", "issued_at", "voided_at", "void_reason", "voided_by")
_SHIPMENT_WITH_WAYBILLS = (
    sa.select(*(_shipments.c[name] for name in _SHIPMENT_COLUMNS),
              *(_waybills.c[name].label(f"waybill_{name}") for name in _WAYBILL_COLUMNS))
    .select_from(_shipments.outerjoin(_waybills, _waybills.c.order_no == _shipments.c.order_no))
    .where(_shipments.c.order_no == sa.bindparam("order_no"))
    .order_by(_waybills.c.id))
_WAYBILLS = (sa.select(*(_waybills.c[name].label(f"waybill_{name}") for name in _WAYBILL_COLUMNS))
             .where(_waybills.c.order_no == sa.bindparam("order_no")).order_by(_waybills.c.id))
_HISTORY = (sa.select(_history.c.at, _history.c.kind, _history.c.by, _history.c.detail)
            .where(_history.c.order_no == sa.bindparam("order_no")).order_by(_history.c.id))


def with_waybills(session, order_no):
    """(shipment row, [its waybills' rows: waybill_tracking_no, waybill_status, ...]), or (None, [])."""
    rows = session.connection().execute(_SHIPMENT_WITH_WAYBILLS, {"order_no": order_no}).all()
    if not rows:
        return None, []
    return rows[0], [row for row in rows if row.waybill_tracking_no is not None]


def waybills_of(session, order_no):
    return session.connection().execute(_WAYBILLS, {"order_no": order_no})


def history_of(session, order_no):
    return session.connection().execute(_HISTORY, {"order_no": order_no})
