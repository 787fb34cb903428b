"""Every statement after-sales runs and its row mapping, as functions taking a session: the order copy
(written with statements built once), the conditional UPDATEs that keep refunds and returns within what was
paid and delivered, cases (locked while an action changes them, listed by SLA colour), the holidays."""
from functools import lru_cache

import sqlalchemy as sa

from services.after_sales import flow
from services.after_sales.models import (
    CaseAction, DutyAgent, Holiday, RefundCase, ReturnNote, SalesOrder, SalesOrderLine,
)
from services.after_sales.sla import GREEN, RED, YELLOW
from shared.db.unit_of_work import insert_ignoring_duplicates

# -- the order copy ------------------------------------------------------------------------------------------
# Every order is recorded and shipped once: statements built once, run with plain parameters
# (no ORM objects: building them and the statements cost more than the writes).
_orders, _lines_table = SalesOrder.__table__, SalesOrderLine.__table__
_INSERT_LINE = sa.insert(_lines_table)
_SHIPPED = sa.update(_orders).where(_orders.c.order_no == sa.bindparam("the_order")).values(
    status=sa.bindparam("status"), tracking_no=sa.bindparam("waybill"), shipped_at=sa.bindparam("at"))
_LINES_SHIPPED = sa.update(_lines_table).where(_lines_table.c.order_no == sa.bindparam("the_order")).values(
    shipped_qty=_lines_table.c.qty)


@lru_cache(maxsize=None)
def _new_order(dialect):
    return insert_ignoring_duplicates(dialect, SalesOrder.__table__)


def insert_order(session, row, lines):
    """The order and its lines, unless the order is there already (the first copy stands): True if inserted."""
    connection = session.connection()
    inserted = connection.execute(_new_order(connection.dialect.name), row).rowcount
    if inserted:
        connection.execute(_INSERT_LINE, lines)
    return bool(inserted)


def mark_shipped(session, order_no, status, tracking_no, at):
    """The order and every line of it handed to the carrier (two UPDATEs, the row lock of the first
    serialising concurrent events about the order): False if the order is not here."""
    connection = session.connection()
    shipped = connection.execute(_SHIPPED, {"the_order": order_no, "status": status, "waybill": tracking_no,
                                            "at": at}).rowcount
    if shipped:
        connection.execute(_LINES_SHIPPED, {"the_order": order_no})
    return bool(shipped)


def order(session, order_no):
    return session.get(SalesOrder, order_no)


def order_for_update(session, order_no):
    """The order (None if it is not here), locked for this transaction."""
    return session.get(SalesOrder, order_no, with_for_update=True)


def fresh_order(session, order_no):
    """The order as the database has it now (after a conditional UPDATE found no row)."""
    return session.get(SalesOrder, order_no, populate_existing=True)


def order_lines(session, order_no):
    return session.scalars(sa.select(SalesOrderLine).filter_by(order_no=order_no).order_by(SalesOrderLine.sku)).all()


# -- refunds and returns within what was paid and delivered: the database decides, however many race ----------
def add_refund(session, order_no, amount):
    """Adds `amount` to the order's refunded total unless that would pass what was paid: True if it did."""
    result = session.execute(
        sa.update(SalesOrder)
        .where(SalesOrder.order_no == order_no, SalesOrder.refunded + amount <= SalesOrder.paid_amount)
        .values(refunded=SalesOrder.refunded + amount))
    return result.rowcount == 1


def remove_refund(session, order_no, amount):
    """Takes `amount` off the order's refunded total (a reservation the platform refused)."""
    session.execute(sa.update(SalesOrder).where(SalesOrder.order_no == order_no)
                    .values(refunded=SalesOrder.refunded - amount))


def held_by_open_cases(session, order_no, but_case_id=None):
    """What the order's open refund cases (other than `but_case_id`) still ask for: not yet asked of the platform
    (a case waiting for the platform has its amount in the order's refunded total already), not closed."""
    query = sa.select(sa.func.coalesce(sa.func.sum(RefundCase.amount), 0)).where(
        RefundCase.order_no == order_no, RefundCase.case_type.in_(flow.PAYING_TYPES),
        RefundCase.status.not_in((flow.REFUND_PENDING, flow.REFUNDED, flow.CLOSED)))
    if but_case_id is not None:
        query = query.where(RefundCase.id != but_case_id)
    return session.scalar(query)


def claim_returned(session, order_no, sku, qty):
    """Counts `qty` of the line as returned unless it would pass its delivered quantity: True if it did."""
    result = session.execute(
        sa.update(SalesOrderLine)
        .where(SalesOrderLine.order_no == order_no, SalesOrderLine.sku == sku,
               SalesOrderLine.returned_qty + qty <= SalesOrderLine.delivered_qty)
        .values(returned_qty=SalesOrderLine.returned_qty + qty))
    return result.rowcount == 1


def release_returned(session, order_no, wanted):
    """`wanted` ({sku: qty}) no longer counts as returned."""
    for sku, qty in sorted(wanted.items()):
        session.execute(
            sa.update(SalesOrderLine)
            .where(SalesOrderLine.order_no == order_no, SalesOrderLine.sku == sku)
            .values(returned_qty=SalesOrderLine.returned_qty - qty))


# -- cases ---------------------------------------------------------------------------------------------------
def case(session, case_id):
    return session.get(RefundCase, case_id)


def case_for_update(session, case_id):
    """The case (None if there is none), locked for this transaction: actions on one case queue behind each other."""
    return session.get(RefundCase, case_id, with_for_update=True)


def case_history(session, case_id):
    return session.scalars(sa.select(CaseAction).filter_by(case_id=case_id).order_by(CaseAction.id)).all()


def return_note(session, case_id):
    return session.scalar(sa.select(ReturnNote).filter_by(case_id=case_id))


def has_rejected_case(session, order_no):
    """Whether a case about the order was rejected before."""
    return session.scalar(sa.select(sa.func.count(CaseAction.id)).join(RefundCase).where(
        RefundCase.order_no == order_no, CaseAction.action == "reject")) > 0


def case_id_of(session, order_no, case_type, reason_text=None):
    """The id of a case of this type about the order (with this reason text, if given), or None."""
    query = sa.select(RefundCase.id).where(RefundCase.order_no == order_no, RefundCase.case_type == case_type)
    if reason_text is not None:
        query = query.where(RefundCase.reason_text == reason_text)
    return session.scalar(query)


def order_cases_for_update(session, order_no, states=None, open_only=False, case_type=None):
    """The order's cases (in these states, open, of this type), oldest first, locked for this transaction."""
    query = sa.select(RefundCase).where(RefundCase.order_no == order_no).order_by(RefundCase.id).with_for_update()
    if states:
        query = query.where(RefundCase.status.in_(states))
    if open_only:
        query = query.where(RefundCase.status != flow.CLOSED)
    if case_type:
        query = query.where(RefundCase.case_type == case_type)
    return session.scalars(query).all()


def case_of_platform_request(session, platform_request_id):
    """The id of the case opened for the buyer's application on the platform, or None."""
    return session.scalar(sa.select(RefundCase.id).where(RefundCase.platform_request_id == platform_request_id))


def unanswered_platform_refunds_for_update(session, asked_before):
    """Cases waiting for the platform's refund since `asked_before` or earlier, not yet flagged, locked (those
    another transaction holds are left for the next round)."""
    return session.scalars(
        sa.select(RefundCase)
        .where(RefundCase.status == flow.REFUND_PENDING, RefundCase.platform_timed_out_at.is_(None),
               RefundCase.platform_requested_at <= asked_before)
        .order_by(RefundCase.id)
        .with_for_update(skip_locked=True)).all()


def overdue_cases_for_update(session, now):
    """Unanswered cases whose deadline has passed and whose breach is not yet recorded, locked (those another
    transaction holds are left for the next round)."""
    return session.scalars(_locked_skipping(RefundCase.answered_at.is_(None), RefundCase.sla_breached_at.is_(None),
                                            RefundCase.sla_deadline <= now)).all()


def _locked_skipping(*conditions):
    """Cases matching, oldest first, locked (those another transaction holds are left for the timer's next round)."""
    return sa.select(RefundCase).where(*conditions).order_by(RefundCase.id).with_for_update(skip_locked=True)


def unclocked_cases_for_update(session, not_in_hand):
    """Agents' cases back in hand whose update clock is not running (the service moved them: deadlines.py)."""
    return session.scalars(_locked_skipping(RefundCase.case_type.in_(flow.CASE_TYPES),
                                            RefundCase.status.not_in(not_in_hand),
                                            RefundCase.update_due_at.is_(None))).all()


def late_updates_for_update(session, now, not_in_hand):
    """Cases in hand whose next update is overdue and not yet recorded as missed."""
    return session.scalars(_locked_skipping(RefundCase.update_due_at <= now, RefundCase.update_breached_at.is_(None),
                                            RefundCase.status.not_in(not_in_hand))).all()


def late_resolutions_for_update(session, now, resolved):
    """Unresolved cases past their resolution deadline, not yet recorded as missed."""
    return session.scalars(_locked_skipping(RefundCase.resolution_due_at <= now,
                                            RefundCase.resolution_breached_at.is_(None),
                                            RefundCase.status.not_in(resolved))).all()


def _colour_condition(colour, now):
    """The SQL twin of lookups.colour()."""
    # Every comparison with a nullable column is guarded, so NOT never meets a NULL.
    unanswered = RefundCase.answered_at.is_(None)
    red = sa.or_(sa.and_(RefundCase.case_type == flow.RECOVERY, RefundCase.status != flow.CLOSED),
                 RefundCase.sla_breached_at.is_not(None),
                 sa.and_(unanswered, RefundCase.sla_deadline.is_not(None), RefundCase.sla_deadline <= now))
    yellow = sa.and_(sa.not_(red), sa.or_(
        sa.and_(RefundCase.case_type == flow.STUCK_PARCEL, RefundCase.status != flow.CLOSED),
        sa.and_(unanswered, RefundCase.sla_yellow_at.is_not(None), RefundCase.sla_yellow_at <= now)))
    return {RED: red, YELLOW: yellow, GREEN: sa.and_(sa.not_(red), sa.not_(yellow))}[colour]


def find_cases(session, now, status=None, sla=None, assignee=None, order_no=None, case_type=None, limit=100,
               open_only=False, return_tracking_no=None, sort="newest", platform=None, escalated=False):
    """`sort`: newest first, or time_left (the nearest answer deadline first; answered or paused ones last).
    `platform`: waiting (for the platform's refund, in time) or timed_out (its answer overdue)."""
    if sort == "time_left":
        unanswered = sa.and_(RefundCase.answered_at.is_(None), RefundCase.sla_deadline.is_not(None))
        order = (sa.case((unanswered, 0), else_=1), RefundCase.sla_deadline, RefundCase.id)
    else:
        order = (RefundCase.id.desc(),)
    query = sa.select(RefundCase).order_by(*order).limit(limit)
    if open_only:
        query = query.where(RefundCase.status != flow.CLOSED)
    if return_tracking_no:
        query = query.where(RefundCase.return_tracking_no == return_tracking_no)
    if case_type:
        query = query.where(RefundCase.case_type == case_type)
    if status:
        query = query.where(RefundCase.status == status)
    if assignee:
        query = query.where(RefundCase.assignee == assignee)
    if order_no:
        query = query.where(RefundCase.order_no == order_no)
    if sla:
        query = query.where(_colour_condition(sla, now))
    if escalated:   # escalated to the supervisors and not yet taken by one (deadlines.py)
        query = query.where(RefundCase.escalated_at.is_not(None), RefundCase.escalation_taken_at.is_(None),
                            RefundCase.status != flow.CLOSED)
    if platform:
        overdue = RefundCase.platform_timed_out_at.is_not(None)
        query = query.where(RefundCase.status == flow.REFUND_PENDING,
                            overdue if platform == "timed_out" else sa.not_(overdue))
    return session.scalars(query).all()


def load_cases(session, start, end):
    """The cases opened, closed or refunded within [start, end): what the weekly table counts."""
    def within(column):
        return sa.and_(column >= start, column < end)
    return session.scalars(sa.select(RefundCase).where(sa.or_(
        within(RefundCase.opened_at), within(RefundCase.closed_at), within(RefundCase.refunded_at)))).all()


# -- the duty roster (assignment.py) -------------------------------------------------------------------------
def duty_roster(session):
    return session.scalars(sa.select(DutyAgent).order_by(DutyAgent.staff_id)).all()


def put_on_duty(session, staff_id, by, now):
    """True if inserted (a second put keeps the first `since`)."""
    if session.get(DutyAgent, staff_id) is not None:
        return False
    session.add(DutyAgent(staff_id=staff_id, since=now, set_by=by))
    return True


def take_off_duty(session, staff_id):
    return session.execute(sa.delete(DutyAgent).where(DutyAgent.staff_id == staff_id)).rowcount == 1


def open_cases_by_assignee(session, staff_ids):
    """{staff_id: how many open cases they have} (those with none are left out)."""
    if not staff_ids:
        return {}
    return dict(session.execute(
        sa.select(RefundCase.assignee, sa.func.count(RefundCase.id))
        .where(RefundCase.assignee.in_(staff_ids), RefundCase.status != flow.CLOSED)
        .group_by(RefundCase.assignee)).all())


# -- the holiday calendar ------------------------------------------------------------------------------------
def holiday(session, day):
    return session.get(Holiday, day)


def holidays(session):
    return session.scalars(sa.select(Holiday).order_by(Holiday.day)).all()


def holiday_days(session):
    return set(session.scalars(sa.select(Holiday.day)))
