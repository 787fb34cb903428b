"""Deadlines beyond the first answer (issue 23; business-rules §5 and §8), no nameko here.

- **An update every `UPDATE_EVERY_HOURS`** (default 8) of working time (the calendar the first-answer clock uses:
  working periods, workdays, holidays) while after-sales has the case in hand. An update is something the buyer
  hears of: an answer or a question to them (notes `answer`, `ask_buyer`), or a decision or move a person makes
  (approve, reject, resubmit, return shipped, secure, refund, close). The clock stops while the case waits on
  someone else (the buyer shipping the goods back, the carrier, the platform executing the refund:
  `awaiting_return`, `return_shipped`, `awaiting_secured`, `refund_pending`; a platform that does not answer in
  time is flagged by platform_refunds.py instead) and once it is resolved; it starts again from the moment the
  case is back in hand (from the action that brought it back, or, when the service itself moved it, as a carrier's
  scan or the platform's refusal does, from the SLA timer's next round).
- **Resolved within `RESOLUTION_HOURS`** (default 75: ten working days of 7.5 h) of working time from opening:
  resolved means refunded, replacement ordered or closed.
- Colours as §8: yellow once `SLA_YELLOW_SHARE` of the time is used, red when missed.
- Each missed deadline is recorded once by the SLA timer (`update_breached`, `resolution_breached` in the case's
  history) and **escalates the case to the supervisors**, as does a missed first answer: `escalated_at`,
  `escalated_for` (first_answer, update, resolution) and `case_escalated` on the bus. The escalation stays open
  until a supervisor acts on the case (any action, a note too), who is recorded as having taken it.

Only agents' cases and the buyer's applications have these clocks: a recovery or stuck-parcel case keeps its fixed colour.
"""
from services.after_sales import flow
from services.after_sales.sla import GREEN, RED, YELLOW

FIRST_ANSWER, UPDATE, RESOLUTION = "first_answer", "update", "resolution"
CLOCKS = (FIRST_ANSWER, UPDATE, RESOLUTION)
# On the buyer, the carrier or the platform (the refund asked of it: platform_refunds.py).
WAITING = (flow.AWAITING_RETURN, flow.RETURN_SHIPPED, flow.AWAITING_SECURED, flow.REFUND_PENDING)
RESOLVED = (flow.REFUNDED, flow.REPLACEMENT_ORDERED, flow.CLOSED)
NOT_IN_HAND = WAITING + RESOLVED
UPDATES = ("approve", "reject", "resubmit", "return_shipped", "secure", "refund", "close")
UPDATE_NOTES = ("answer", "ask_buyer")


def clocked(case):
    return case.case_type in flow.CASE_TYPES


def start(case, calendar, settings, now):
    """A new case: the resolution and the first update are due from now."""
    if not clocked(case):
        return
    budget = settings.resolution_seconds()
    case.resolution_due_at = calendar.add(now, budget)
    case.resolution_yellow_at = calendar.add(now, budget * settings.yellow_share)
    next_update(case, calendar, settings, now)


def next_update(case, calendar, settings, now):
    every = settings.update_seconds()
    case.update_due_at = calendar.add(now, every)
    case.update_yellow_at = calendar.add(now, every * settings.yellow_share)
    case.update_breached_at = None


def _stop_update(case):
    case.update_due_at = case.update_yellow_at = case.update_breached_at = None


def is_update(actor, action, detail):
    return actor.role != "system" and (action in UPDATES or (action == "note" and detail.get("kind") in UPDATE_NOTES))


def after_action(actions, case, action, detail):
    """What an action did to the clocks (CaseActions.record calls this for every action on a case)."""
    if actions.actor.role == "supervisor" and escalation_open(case):
        case.escalation_taken_at, case.escalation_taken_by = actions.now, actions.actor.staff_id
    if not clocked(case) or action == "open":
        return
    if case.status in RESOLVED and case.resolution_breached_at is None and case.resolution_due_at is not None \
            and case.resolution_due_at < actions.now:
        case.resolution_breached_at = case.resolution_due_at   # resolved late, before the timer saw it
    if case.status in NOT_IN_HAND:
        _stop_update(case)
    elif actions.settings is not None and (case.update_due_at is None or is_update(actions.actor, action, detail)):
        next_update(case, actions.calendar, actions.settings, actions.now)


def escalation_open(case):
    return case.escalated_at is not None and case.escalation_taken_at is None


def escalate(actions, case, clock, deadline):
    """A missed deadline: the case goes to the supervisors (again, if one had taken an earlier escalation)."""
    case.escalated_at, case.escalated_for = actions.now, clock
    case.escalation_taken_at = case.escalation_taken_by = None
    actions.publish(case, "case_escalated", agent=case.assignee, clock=clock, deadline=deadline,
                    escalated_at=actions.now)


def colour(due, yellow_at, breached_at, running, now):
    """§8 for one deadline: `running` is False once it no longer counts (met, or the case is not in hand)."""
    if breached_at is not None or (running and due is not None and due <= now):
        return RED
    if running and yellow_at is not None and yellow_at <= now:
        return YELLOW
    return GREEN


def view(case, now):
    """The two deadlines and the escalation as the case page shows them."""
    if not clocked(case):
        return None
    resolved = case.status in RESOLVED
    return {
        "update": {"due_at": case.update_due_at, "yellow_at": case.update_yellow_at,
                   "breached_at": case.update_breached_at,
                   "colour": colour(case.update_due_at, case.update_yellow_at, case.update_breached_at,
                                    case.update_due_at is not None, now)},
        "resolution": {"due_at": case.resolution_due_at, "yellow_at": case.resolution_yellow_at,
                       "breached_at": case.resolution_breached_at, "resolved": resolved,
                       "colour": colour(case.resolution_due_at, case.resolution_yellow_at,
                                        case.resolution_breached_at, not resolved, now)}}


def escalation_view(case):
    return {"open": escalation_open(case), "at": case.escalated_at, "clock": case.escalated_for,
            "taken_at": case.escalation_taken_at, "taken_by": case.escalation_taken_by}
