"""Finding SLA breaches as they happen (called by a timer with `now`; tests pass the time)."""
import sqlalchemy as sa

from services.after_sales.desk import Actor, Desk, publish_breach, snapshot
from services.after_sales.models import RefundCase

TIMER = Actor("sla-timer", "system")


def record_breaches(uow, now):
    """Every unanswered case whose deadline has passed gets its breach recorded, once, and published."""
    overdue = uow.session.scalars(
        sa.select(RefundCase)
        .where(RefundCase.answered_at.is_(None), RefundCase.sla_breached_at.is_(None),
               RefundCase.sla_deadline <= now)
        .order_by(RefundCase.id)
        .with_for_update(skip_locked=True)).all()
    desk = Desk(uow, TIMER, now, settings=None)   # for the audit record; breaches need no calendar
    for case in overdue:
        before = snapshot(case)
        case.sla_breached_at = case.sla_deadline
        desk.record(case, "sla_breached", before, deadline=case.sla_deadline)
        publish_breach(uow, case)
    return [case.id for case in overdue]
