"""Finding SLA breaches as they happen (called by a timer with `now`; tests pass the time)."""
from services.after_sales import storage
from services.after_sales.case_actions import Actor, CaseActions, publish_breach, snapshot

TIMER = Actor("sla-timer", "system")


def record_breaches(uow, now):
    """Every unanswered case whose deadline has passed gets its breach recorded, once, and published."""
    overdue = storage.overdue_cases_for_update(uow.session, now)
    actions = CaseActions(uow, TIMER, now, settings=None)   # for the audit record; breaches need no calendar
    for case in overdue:
        before = snapshot(case)
        case.sla_breached_at = case.sla_deadline
        actions.record(case, "sla_breached", before, deadline=case.sla_deadline)
        publish_breach(uow, case)
    return [case.id for case in overdue]
