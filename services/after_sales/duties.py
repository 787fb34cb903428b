"""Separation of duties on a case (issue 17), beyond what a role may do (no nameko here):

- an agent approves only a return or exchange asked for within the shop's return window (return_window.py);
- whoever opened a case may not approve it, pay its refund or let its refund through before the goods
  are secured (securing.py), whatever role they hold: a second person decides on the money;
- an agent speaks with the buyer (answers, asks, records a reply), resubmits and closes (withdraws,
  settles, files) only the cases assigned to them; a supervisor reassigns a case to another agent.
  Internal notes and the buyer's return tracking number stay open to every agent. A case in the agents'
  queue (a stuck parcel, opened by the service) is no one's yet: the first agent to act on it takes it.
"""
from services.after_sales import return_window
from shared.errors import PermissionDenied

OPENER_MAY_NOT = ("approve", "refund", "secure")
ASSIGNED_AGENT_ONLY = ("resubmit", "close")
# Notes that are a conversation with the buyer: they stop, pause or resume the assignee's SLA clock.
BUYER_NOTES = ("answer", "ask_buyer", "buyer_reply")
AGENTS_QUEUE = "agents"   # the assignee of a case any agent may take up


def refusal(case, actor, action, kind=None):
    """The PermissionDenied (403) this person meets for `action` on the case, or None."""
    if action in OPENER_MAY_NOT and actor.staff_id == case.opened_by:
        return PermissionDenied(f"{actor.staff_id} opened case {case.id}: another supervisor must {action} it",
                                code="opened_by_you", action=action, opened_by=case.opened_by)
    if action == "approve" and (denied := return_window.refusal(case, actor)) is not None:
        return denied   # an agent approves only a return within the shop's window
    if actor.role == "agent" and actor.staff_id != case.assignee and case.assignee != AGENTS_QUEUE and (
            action in ASSIGNED_AGENT_ONLY or (action == "note" and kind in BUYER_NOTES)):
        return PermissionDenied(f"case {case.id} is assigned to {case.assignee}: only they speak with the buyer,"
                                " resubmit or close it (a supervisor can reassign it)",
                                code="assigned_to_another", action=action, kind=kind, assignee=case.assignee)
    return None


def check(case, actor, action, kind=None):
    denied = refusal(case, actor, action, kind)
    if denied is not None:
        raise denied


def takes_up(case, actor):
    """An agent acting on a case in the agents' queue makes it theirs."""
    return actor.role == "agent" and case.assignee == AGENTS_QUEUE


def refused(case, actor, actions, note_kinds):
    """What this person may not do of `actions` (a note per kind), with the reason: for the case page."""
    asked = [(action, None) for action in actions if action != "note"]
    asked += [("note", kind) for kind in note_kinds if "note" in actions]
    return [{"action": action, "kind": kind, "error": denied.code, "message": denied.message}
            for action, kind in asked if (denied := refusal(case, actor, action, kind)) is not None]
