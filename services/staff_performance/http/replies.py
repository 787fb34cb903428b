"""Shaping answers for the HTTP API (JSON / CSV) from the rules and use cases, and checking path values."""
from services.staff_performance import (
    attendance, fines, policies, register, scorecard, scorecard_data, storage, windows)
from services.staff_performance.business_days import business_day, period_bounds
from services.staff_performance.http import export
from services.staff_performance.schemas import FineSchema, FlagSchema
from shared.timeutil import utcnow
from shared.web.errors import HttpError
from contracts.base import schema

__all__ = ["staff_id", "by_today", "judgements", "ledger", "fine_line",
           "scorecard_answer", "leaderboard_answer", "flags"]


def staff_id(text):
    if not 0 < len(text) <= 64:
        raise HttpError(400, "validation_failed", "bad staff id", fields={"staff_id": ["1 to 64 characters"]})
    return text


def by_today(day, field="day"):
    """A 422 naming `field` for a day after today: a fine, a payment, a notice or a day's figures."""
    windows.refuse(field, windows.after_today(day, business_day(utcnow())))
    return day


def judgements(judged):
    return {staff: attendance.summary(judgement) for staff, judgement in judged.items()}


def fine_line(session, policy, fine, as_of):
    owed = fines.statement(session, policy, fine, as_of)
    return {**schema(FineSchema).dump(fine), "as_of": as_of.isoformat(), "interest": str(owed.interest),
            "paid": str(owed.paid), "outstanding": str(owed.outstanding),
            "settled_on": owed.settled_on.isoformat() if owed.settled_on else None,
            "interest_beyond_policy": owed.beyond_policy}


def ledger(session, staff, as_of):
    book = policies.book(session)
    return {"as_of": as_of.isoformat(),
            "fines": [fine_line(session, book.for_day(f.day), f, as_of) for f in fines.ledger(session, staff)]}


def scorecard_answer(session, staff, query, now):
    first, last = period_bounds(query["period"], query["day"] or business_day(now))
    card = scorecard.build(scorecard_data.inputs_for(session, staff, query["period"], first, last, now))
    if query["format"] == "csv":
        return export.scorecard_csv(card)
    return card if query["explain"] else scorecard.without_sources(card)


def scorecards_answer(session, query, now):
    """Every registered, active person's scorecard for one period (the managers' chart at a glance)."""
    first, last = period_bounds(query["period"], query["day"] or business_day(now))
    people = [m for m in register.list_staff(session, query["team"], registered=True) if m.active]
    return {"period": query["period"], "from": first.isoformat(), "to": last.isoformat(), "cards": [
        scorecard.without_sources(scorecard.build(
            scorecard_data.inputs_for(session, m.staff_id, query["period"], first, last, now)))
        for m in people]}


def leaderboard_answer(session, query, today):
    board = scorecard_data.leaderboard(session, query["team"], query["day"] or today, query["metric"])
    return export.leaderboard_csv(board) if query["format"] == "csv" else board


def flags(session, staff):
    return schema(FlagSchema, many=True).dump(storage.flags(session, staff))
