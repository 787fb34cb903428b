"""Parcels returned to sender (退件) and their lines."""
import sqlalchemy as sa

from services.picking_packing.models import ParcelReturn
from shared.db.unit_of_work import insert_ignoring_duplicates


def open_receipt(session, receipt):
    """The receipt (a dict of its columns); False if the parcel's receipt is already open."""
    return bool(session.execute(insert_ignoring_duplicates(session.bind.dialect.name, ParcelReturn.__table__),
                                receipt).rowcount)


def receipt(session, order_no, lock=False):
    """One returned parcel with its lines (locked until commit with `lock`); None if unknown."""
    return session.get(ParcelReturn, order_no, with_for_update=lock or None)


def receipts(session, status=None, limit=100):
    """Returned parcels, oldest first."""
    query = sa.select(ParcelReturn).order_by(ParcelReturn.returned_at, ParcelReturn.order_no).limit(limit)
    if status:
        query = query.where(ParcelReturn.status == status)
    return session.scalars(query).all()
