"""Loading a scorecard's inputs, the leaderboard and the month's ranking from the database."""
from datetime import timedelta

from services.staff_performance import fines, policies, quotas, rota, scorecard, storage
from services.staff_performance.business_days import business_day, month_of, previous_month, week_of
from services.staff_performance.register import get_staff

DEAL_LOOKBACK_DAYS = 14   # the exemptions look back to the previous week


def deals_by_staff(session, first, last, team=None):
    return storage.report_sums(session, "deals", first, last, team=team)


def place_in_previous_month(session, member, day):
    """1 for last month's champion in the team, 2 for the runner-up (seed 000 art. 1 section 二)."""
    ranked = quotas.ranking(deals_by_staff(session, *previous_month(day), team=member.team))
    return ranked.index(member.staff_id) + 1 if member.staff_id in ranked[:2] else None


def inputs_for(session, staff_id, period, first, last, now):
    member = get_staff(session, staff_id)
    book = policies.book(session)
    reports = storage.daily_reports_of(session, staff_id, first - timedelta(days=DEAL_LOOKBACK_DAYS), last)
    months = {(d.year, d.month): d for d in (first, last)}
    today = business_day(now)
    return scorecard.ScorecardInputs(
        staff=member, period=period, first=first, last=last, book=book, now=now,
        facts=storage.facts_of(session, staff_id, first, last),
        reports={r.day: r for r in reports if r.day >= first},
        deal_days={r.day: r.deals for r in reports},
        places={key: place_in_previous_month(session, member, d) for key, d in months.items()},
        attendance=storage.attendance_of(session, staff_id, first, last),
        rota=rota.by_person(session, week_of(first)[0], week_of(last)[1]).get(staff_id, {}),
        fines=[(f, fines.statement(session, book.for_day(f.day), f, min(today, last)))
               for f in storage.fines_of(session, staff_id, first, last) if f.amount > 0])


def leaderboard(session, team, day, metric):
    """The team's month, best first, with the month's champion and runner-up by deals signed."""
    first, last = month_of(day)
    members = storage.registered_team(session, team)
    deals = deals_by_staff(session, first, last, team=team)
    values = _metric(session, metric, [m.staff_id for m in members], first, last) if metric != "deals" else deals
    rows = sorted(({"staff_id": m.staff_id, "name": m.name, "value": values.get(m.staff_id, 0),
                    "deals": deals.get(m.staff_id, 0)} for m in members),
                  key=lambda row: (-row["value"], row["staff_id"]))
    ranked = quotas.ranking(deals)
    return {"team": team, "month": f"{first:%Y-%m}", "metric": metric,
            "rows": [{"place": n, **row} for n, row in enumerate(rows, 1)],
            "champion": ranked[0] if ranked else None, "runner_up": ranked[1] if len(ranked) > 1 else None}


def _metric(session, metric, staff_ids, first, last):
    if metric in REPORT_METRICS:
        return storage.report_sums(session, metric, first, last)
    return storage.fact_counts(session, metric, staff_ids, first, last)


REPORT_METRICS = ("calls", "visits", "fine_leads", "rough_leads", "deals")
