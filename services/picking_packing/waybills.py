"""Our copy of the tracking numbers the shipping labels service issued and voided."""
import sqlalchemy as sa

from services.picking_packing.models import Waybill
from shared.db.unit_of_work import insert_ignoring_duplicates


def _insert(session, status, event):
    session.execute(insert_ignoring_duplicates(session.bind.dialect.name, Waybill.__table__).values(
        tracking_no=event["tracking_no"], order_no=event["order_no"], status=status,
        reason=event.get("reason")))


def issued(uow, event):
    # A void that overtook its issue stays void.
    _insert(uow.session, "issued", event)


def voided(uow, event):
    _insert(uow.session, "voided", event)
    uow.session.execute(sa.update(Waybill).where(Waybill.tracking_no == event["tracking_no"])
                        .values(status="voided", reason=event["reason"]))
