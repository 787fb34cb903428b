"""Who gets a new case (issue 23), and the duty roster it is chosen from; no nameko here.

An agent who opens a case for a buyer they speak with keeps it (the first answer is theirs). A case opened for
someone else (`for_duty_agent`: taken at the pre-sales desk, or the buyer's application the storefront tells of,
`refund_requested`: buyer_requests.py) goes to an agent **on duty**: the one with the fewest open cases, ties by
staff id (A-1 before A-2), so work spreads evenly and the choice can be checked by hand. With nobody on duty, or `AUTO_ASSIGN` off, it goes to the agents' queue,
where the first agent to act on it takes it (duties.py).

Who is on duty is **after-sales' own roster**, kept as data by a supervisor (`PUT/DELETE /roster/<staff_id>`):
the supervisor sees who is at the desk now (seed 001: 每天2人值班, 8:30–12:00 and 14:00–18:00), while staff
performance's rota is a manager's plan by day, published on no event; a person planned on the rota may be off
sick or on lunch. A rota event could later feed this roster.
"""
from services.after_sales import storage
from services.after_sales.duties import AGENTS_QUEUE
from shared.errors import NotFound, RuleViolation

STAFF_ID_MAX = 64


def assignee_of_new(session, settings, opener, for_duty_agent):
    if not for_duty_agent:
        return opener
    if not settings.auto_assign:
        return AGENTS_QUEUE
    return least_busy(session) or AGENTS_QUEUE


def least_busy(session):
    """The agent on duty with the fewest open cases, ties by staff id; None when nobody is on duty."""
    on_duty = [agent.staff_id for agent in storage.duty_roster(session)]
    load = storage.open_cases_by_assignee(session, on_duty)
    return min(on_duty, key=lambda staff_id: (load.get(staff_id, 0), staff_id), default=None)


def roster(session):
    """Who is on duty, since when, set by whom, and how many open cases each has."""
    agents = storage.duty_roster(session)
    load = storage.open_cases_by_assignee(session, [agent.staff_id for agent in agents])
    return {"agents": [{"staff_id": agent.staff_id, "since": agent.since, "set_by": agent.set_by,
                        "open_cases": load.get(agent.staff_id, 0)} for agent in agents],
            "next": least_busy(session)}


def put_on_duty(uow, staff_id, by, now):
    """True if they were not on duty yet (putting them again changes nothing)."""
    if not 0 < len(staff_id.strip()) <= STAFF_ID_MAX or staff_id != staff_id.strip():
        raise RuleViolation("not a staff id", code="validation_failed",
                            fields={"staff_id": [f"1 to {STAFF_ID_MAX} characters, no spaces around"]})
    return storage.put_on_duty(uow.session, staff_id, by, now)


def take_off_duty(uow, staff_id):
    if not storage.take_off_duty(uow.session, staff_id):
        raise NotFound(f"{staff_id} is not on duty", code="not_on_roster", staff_id=staff_id)
