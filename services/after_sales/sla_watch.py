"""Finding SLA breaches as they happen (called by a timer with `now`; tests pass the time): the first answer's,
and with the settings the deadlines beyond it (deadlines.py). Each breach is recorded once and escalates the case."""
from services.after_sales import deadlines, storage
from services.after_sales.case_actions import Actor, CaseActions, publish_breach, snapshot

TIMER = Actor("sla-timer", "system")


def record_breaches(uow, now, settings=None):
    """Every unanswered case whose deadline has passed gets its breach recorded, once, published and escalated;
    with `settings`, the update and resolution deadlines too. The ids of the cases whose first answer is late."""
    overdue = storage.overdue_cases_for_update(uow.session, now)
    actions = CaseActions(uow, TIMER, now, settings)
    for case in overdue:
        before = snapshot(case)
        case.sla_breached_at = case.sla_deadline
        deadlines.escalate(actions, case, deadlines.FIRST_ANSWER, case.sla_deadline)
        actions.record(case, "sla_breached", before, deadline=case.sla_deadline)
        publish_breach(uow, case)
    if settings is not None:
        watch_deadlines(actions)
    return [case.id for case in overdue]


def watch_deadlines(actions):
    """Starts the update clock of cases the service itself brought back in hand, then records missed updates and
    resolutions: {"update": [case ids], "resolution": [case ids]}."""
    session, now = actions.session, actions.now
    for case in storage.unclocked_cases_for_update(session, deadlines.NOT_IN_HAND):
        deadlines.next_update(case, actions.calendar, actions.settings, now)
    missed = {deadlines.UPDATE: [], deadlines.RESOLUTION: []}
    for case in storage.late_updates_for_update(session, now, deadlines.NOT_IN_HAND):
        before = snapshot(case)
        case.update_breached_at = case.update_due_at
        _escalated(actions, case, before, deadlines.UPDATE, case.update_due_at, missed)
    for case in storage.late_resolutions_for_update(session, now, deadlines.RESOLVED):
        before = snapshot(case)
        case.resolution_breached_at = case.resolution_due_at
        _escalated(actions, case, before, deadlines.RESOLUTION, case.resolution_due_at, missed)
    return missed


def _escalated(actions, case, before, clock, deadline, missed):
    deadlines.escalate(actions, case, clock, deadline)
    actions.record(case, f"{clock}_breached", before, deadline=deadline)
    missed[clock].append(case.id)
