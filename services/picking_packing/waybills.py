"""Our copy of the tracking numbers the shipping labels service issued and voided."""
from functools import lru_cache

import sqlalchemy as sa

from services.picking_packing.models import Waybill
from shared.db.unit_of_work import insert_ignoring_duplicates

WAYBILLS = Waybill.__table__
_VOID = (sa.update(WAYBILLS).where(WAYBILLS.c.tracking_no == sa.bindparam("b_tracking_no"))
         .values(status="voided", reason=sa.bindparam("b_reason")))


@lru_cache(maxsize=None)
def _insert(dialect_name):
    return insert_ignoring_duplicates(dialect_name, WAYBILLS)   # built once: one per order


def _store(uow, status, event):
    connection = uow.session.connection()
    connection.execute(_insert(connection.dialect.name), {
        "tracking_no": event["tracking_no"], "order_no": event["order_no"], "status": status,
        "reason": event.get("reason")})
    return connection


def issued(uow, event):
    # A void that overtook its issue stays void.
    _store(uow, "issued", event)


def voided(uow, event):
    _store(uow, "voided", event).execute(_VOID, {"b_tracking_no": event["tracking_no"], "b_reason": event["reason"]})
