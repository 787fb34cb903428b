"""What the daily manifest and the monthly COD report read."""
import sqlalchemy as sa

from services.shipping_labels.models import (
    MergedParcel, RemittanceLine, RemittanceStatement, Shipment, UnmatchedHandover, Waybill,
)


def handed_over_between(session, carrier, start, end):
    """The carrier's parcels handed over in [start, end), in hand-over order: an order packed in another order's
    parcel (合单) is not a parcel of its own."""
    return session.scalars(sa.select(Shipment).where(
        Shipment.carrier == carrier, Shipment.handed_over_at >= start, Shipment.handed_over_at < end,
        Shipment.order_no.not_in(sa.select(MergedParcel.order_no)))
        .order_by(Shipment.handed_over_at, Shipment.order_no)).all()


def live_not_handed_over(session, carrier, end):
    """[(waybill, shipment)]: labels live at `end` whose parcel had not been handed over by then."""
    return session.execute(
        sa.select(Waybill, Shipment).join(Shipment, Shipment.order_no == Waybill.order_no).where(
            Waybill.carrier == carrier, Waybill.issued_at < end,
            sa.or_(Waybill.voided_at.is_(None), Waybill.voided_at >= end),
            sa.or_(Shipment.handed_over_at.is_(None), Shipment.handed_over_at >= end))
        .order_by(Waybill.issued_at, Waybill.id)).all()


def unmatched_handovers(session, carrier, start, end):
    """Hand-overs in [start, end) that matched no label of ours (the carrier's, or of no known carrier)."""
    return session.scalars(sa.select(UnmatchedHandover).where(
        sa.or_(UnmatchedHandover.carrier == carrier, UnmatchedHandover.carrier.is_(None)),
        UnmatchedHandover.handed_over_at >= start, UnmatchedHandover.handed_over_at < end)
        .order_by(UnmatchedHandover.handed_over_at, UnmatchedHandover.id)).all()


def _cod_within(carrier, column, start, end):
    return sa.and_(Shipment.carrier == carrier, Shipment.payment_method == "cod", column >= start, column < end)


def cod_delivered(session, carrier, start, end):
    """[(order_no, cod_amount)] of the carrier's COD parcels delivered in [start, end)."""
    return session.execute(sa.select(Shipment.order_no, Shipment.cod_amount).where(
        _cod_within(carrier, Shipment.delivered_at, start, end), Shipment.status == "delivered")).all()


def cod_shipped_count(session, carrier, start, end):
    return _count(session, _cod_within(carrier, Shipment.handed_over_at, start, end))


def cod_returned_count(session, carrier, start, end):
    return _count(session, sa.and_(_cod_within(carrier, Shipment.returned_at, start, end),
                                   Shipment.status == "returned"))


def _count(session, condition):
    return session.scalar(sa.select(sa.func.count()).select_from(Shipment).where(condition))


def remitted_amounts(session, carrier, first, last):
    """The amounts of the carrier's statement lines dated from `first` to before `last`."""
    return session.scalars(sa.select(RemittanceLine.amount)
                           .join(RemittanceStatement, RemittanceStatement.id == RemittanceLine.statement_id)
                           .where(RemittanceStatement.carrier == carrier, RemittanceLine.remitted_on >= first,
                                  RemittanceLine.remitted_on < last))
