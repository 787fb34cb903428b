"""Loading a scorecard's inputs, the leaderboard and the month's ranking from the database."""
from datetime import timedelta

import sqlalchemy as sa

from services.staff_performance import fines, policies, quotas, rota, scorecard
from services.staff_performance.business_days import business_day, month_of, previous_month, week_of
from services.staff_performance.models import AttendanceDay, DailyReport, Fact, Fine, StaffMember
from services.staff_performance.register import get_staff

DEAL_LOOKBACK_DAYS = 14   # the exemptions look back to the previous week


def deals_by_staff(session, first, last, team=None):
    query = (sa.select(DailyReport.staff_id, sa.func.sum(DailyReport.deals))
             .where(DailyReport.day >= first, DailyReport.day <= last).group_by(DailyReport.staff_id))
    if team is not None:
        query = query.join(StaffMember, StaffMember.staff_id == DailyReport.staff_id).where(StaffMember.team == team)
    return {staff: int(total or 0) for staff, total in session.execute(query)}


def place_in_previous_month(session, member, day):
    """1 for last month's champion in the team, 2 for the runner-up (seed 000 art. 1 section 二)."""
    ranked = quotas.ranking(deals_by_staff(session, *previous_month(day), team=member.team))
    return ranked.index(member.staff_id) + 1 if member.staff_id in ranked[:2] else None


def _rows(session, model, staff_id, first, last):
    return session.scalars(sa.select(model).where(model.staff_id == staff_id, model.day >= first,
                                                  model.day <= last).order_by(model.day, model.id)).all()


def inputs_for(session, staff_id, period, first, last, now):
    member = get_staff(session, staff_id)
    book = policies.book(session)
    reports = _rows(session, DailyReport, staff_id, first - timedelta(days=DEAL_LOOKBACK_DAYS), last)
    months = {(d.year, d.month): d for d in (first, last)}
    today = business_day(now)
    return scorecard.ScorecardInputs(
        staff=member, period=period, first=first, last=last, book=book, now=now,
        facts=_rows(session, Fact, staff_id, first, last),
        reports={r.day: r for r in reports if r.day >= first},
        deal_days={r.day: r.deals for r in reports},
        places={key: place_in_previous_month(session, member, d) for key, d in months.items()},
        attendance=_rows(session, AttendanceDay, staff_id, first, last),
        rota=rota.by_person(session, week_of(first)[0], week_of(last)[1]).get(staff_id, {}),
        fines=[(f, fines.statement(session, book.for_day(f.day), f, min(today, last)))
               for f in _rows(session, Fine, staff_id, first, last) if f.amount > 0])


def leaderboard(session, team, day, metric):
    """The team's month, best first, with the month's champion and runner-up by deals signed."""
    first, last = month_of(day)
    members = session.scalars(sa.select(StaffMember).where(StaffMember.team == team,
                                                           StaffMember.registered.is_(True))).all()
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
        column = getattr(DailyReport, metric)
        query = sa.select(DailyReport.staff_id, sa.func.sum(column)).where(
            DailyReport.day >= first, DailyReport.day <= last)
        return {s: int(v or 0) for s, v in session.execute(query.group_by(DailyReport.staff_id))}
    query = sa.select(Fact.staff_id, sa.func.count(Fact.id)).where(
        Fact.kind == metric, Fact.day >= first, Fact.day <= last, Fact.staff_id.in_(staff_ids))
    return dict(session.execute(query.group_by(Fact.staff_id)).all())


REPORT_METRICS = ("calls", "visits", "fine_leads", "rough_leads", "deals")
