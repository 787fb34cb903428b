"""Reading cases: one with its history, or a filtered list with SLA colours."""
import sqlalchemy as sa

from services.after_sales import flow
from services.after_sales.models import CaseAction, RefundCase, ReturnNote
from services.after_sales.sla import GREEN, RED, YELLOW, SlaClock
from shared.errors import NotFound


def get_case(session, case_id):
    case = session.get(RefundCase, case_id)
    if case is None:
        raise NotFound(f"no case {case_id}", code="case_not_found")
    history = session.scalars(sa.select(CaseAction).filter_by(case_id=case_id).order_by(CaseAction.id)).all()
    note = session.scalar(sa.select(ReturnNote).filter_by(case_id=case_id))
    return case, history, note


def _colour_condition(colour, now):
    """The SQL twin of colour() below."""
    # Every comparison with a nullable column is guarded, so NOT never meets a NULL.
    unanswered = RefundCase.answered_at.is_(None)
    red = sa.or_(sa.and_(RefundCase.case_type == flow.RECOVERY, RefundCase.status != flow.CLOSED),
                 RefundCase.sla_breached_at.is_not(None),
                 sa.and_(unanswered, RefundCase.sla_deadline.is_not(None), RefundCase.sla_deadline <= now))
    yellow = sa.and_(sa.not_(red), sa.or_(
        sa.and_(RefundCase.case_type == flow.STUCK_PARCEL, RefundCase.status != flow.CLOSED),
        sa.and_(unanswered, RefundCase.sla_yellow_at.is_not(None), RefundCase.sla_yellow_at <= now)))
    return {RED: red, YELLOW: yellow, GREEN: sa.and_(sa.not_(red), sa.not_(yellow))}[colour]


def find_cases(session, now, status=None, sla=None, assignee=None, order_no=None, case_type=None, limit=100):
    query = sa.select(RefundCase).order_by(RefundCase.id.desc()).limit(limit)
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
    return session.scalars(query).all()


def colour(case, now):
    if case.case_type == flow.RECOVERY and case.status != flow.CLOSED:
        return RED   # money paid out for goods the buyer has after all: red from the start (recovery.py)
    if case.case_type == flow.STUCK_PARCEL and case.status != flow.CLOSED:
        return YELLOW   # the parcel is behind pace: chase the carrier (stuck_parcels.py)
    # Colours read only stored moments, so no calendar is needed here.
    return SlaClock(case, calendar=None, yellow_share=None).colour(now)


def allowed_actions(case):
    return flow.allowed_actions(case.case_type, case.status)
