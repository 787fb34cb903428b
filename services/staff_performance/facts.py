"""Recording per-person facts from the bus (no nameko here)."""
from services.staff_performance.models import Fact


def record_fact(uow, event_id, staff_id, kind, subject, occurred_at):
    fact = Fact(event_id=event_id, staff_id=staff_id, kind=kind, subject=subject,
                day=occurred_at.date(), occurred_at=occurred_at)
    uow.session.add(fact)
    return fact
