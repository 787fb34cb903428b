"""A person's scorecard for a day, week or month: each figure against its quota or limit,
coloured, and traceable to the facts it came from (plain code: inputs in, dict out)."""
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from services.staff_performance import colours, duty, quotas
from services.staff_performance.attendance import ABSENT, LATE, LATE_AND_EARLY, ON_LEAVE
from services.staff_performance.business_days import days_between, week_of

LIMITED = {"sla_breached": "sla_breached", "weight_mismatch": "weight_mismatches"}


@dataclass
class ScorecardInputs:
    staff: object                 # StaffMember
    period: str
    first: object
    last: object
    book: object                  # PolicyBook
    now: object
    facts: list = field(default_factory=list)
    reports: dict = field(default_factory=dict)      # day -> DailyReport
    deal_days: dict = field(default_factory=dict)    # day -> deals (reaching back before `first`)
    places: dict = field(default_factory=dict)       # (year, month) -> place in the previous month
    attendance: list = field(default_factory=list)   # AttendanceDay rows
    fines: list = field(default_factory=list)        # (Fine, Balance) pairs
    rota: dict = field(default_factory=dict)         # day -> RotaEntry, over the period's weeks

    def works(self, day):
        """A working day for this person: on the rota, or the policy's week if not on it that week."""
        return duty.shift_on(self.book.for_day(day), day, self.rota) is not None

    @property
    def finished(self):
        """The period's deadline is the end of working hours on its last day."""
        return colours.day_elapsed(self.book.for_day(self.last), self.last, self.now) >= 1


def figure(name, value, sources, target=None, colour=None, note=None, note_params=None):
    """`note` is a code with `note_params` (the console says it in the reader's language)."""
    return {"name": name, "value": value, "target": target, "colour": colour, "note": note,
            "note_params": note_params or {}, "sources": sources}


def build(inputs):
    figures = _fact_figures(inputs) + _attendance_figures(inputs) + _fine_figures(inputs)
    if inputs.reports or inputs.staff.role == "sales":
        figures += _sales_figures(inputs)
    return {"staff_id": inputs.staff.staff_id, "name": inputs.staff.name, "rank": inputs.staff.rank,
            "team": inputs.staff.team, "period": inputs.period, "from": inputs.first.isoformat(),
            "to": inputs.last.isoformat(), "as_of": inputs.now.isoformat(),
            "policy_versions": sorted({inputs.book.for_day(d).version
                                       for d in days_between(inputs.first, inputs.last)}),
            "figures": figures}


def _fact_ref(fact):
    return {"fact_id": fact.id, "event_id": fact.event_id, "source": fact.source, "subject": fact.subject,
            "day": fact.day.isoformat(), "occurred_at": fact.occurred_at.isoformat()}


def _fact_figures(inputs):
    policy = inputs.book.for_day(inputs.last)
    by_kind = defaultdict(list)
    for fact in inputs.facts:
        by_kind[fact.kind].append(fact)
    figures = []
    for kind, facts in sorted(by_kind.items()):
        refs = [_fact_ref(f) for f in facts]
        limit = policy["limits"].get(LIMITED.get(kind, ""), None)
        colour = colours.against_limit(len(facts), limit) if limit is not None else None
        figures.append(figure(kind, len(facts), refs, target=limit, colour=colour,
                              note="at_most" if limit is not None else None))
    timed = [f for f in by_kind["order_reviewed"] if f.seconds is not None]
    if timed:
        average = round(sum(f.seconds for f in timed) / len(timed), 1)
        figures.append(figure("seconds_to_decision_avg", average, [_fact_ref(f) for f in timed]))
    if by_kind["case_answered"]:
        rate = Decimal(len(by_kind["case_answered_in_sla"])) / len(by_kind["case_answered"])
        target = Decimal(policy["sla_rate_target"])
        figures.append(figure("sla_rate", str(rate.quantize(Decimal("0.01"))), [
            _fact_ref(f) for f in by_kind["case_answered"]], target=str(target),
            colour=colours.GREEN if rate >= target else colours.RED))
    for kind in LIMITED:
        if kind not in by_kind:
            figures.append(figure(kind, 0, [], target=policy["limits"][LIMITED[kind]], colour=colours.GREEN,
                                  note="at_most"))
    return figures


def _attendance_figures(inputs):
    policy = inputs.book.for_day(inputs.last)
    rows = {"late_days": [a for a in inputs.attendance if a.status in (LATE, LATE_AND_EARLY)],
            "absences": [a for a in inputs.attendance if a.status == ABSENT]}
    figures = [figure(name, len(days), [{"attendance_day": a.day.isoformat(), "status": a.status, "reason": a.reason,
                                          "late_minutes": a.late_minutes, "early_minutes": a.early_minutes,
                                          "away_minutes": a.away_minutes} for a in days],
                      target=policy["limits"][name],
                      colour=colours.against_limit(len(days), policy["limits"][name]), note="at_most")
               for name, days in rows.items()]
    leave = [a.day.isoformat() for a in inputs.attendance if a.status == ON_LEAVE]
    figures.append(figure("leave_days", len(leave), [{"attendance_day": d} for d in leave]))
    return figures


def _fine_figures(inputs):
    issued = sum((f.amount for f, _ in inputs.fines), Decimal("0"))
    outstanding = sum((b.outstanding for _, b in inputs.fines), Decimal("0"))
    refs = [{"fine_id": f.id, "rule": f.rule, "day": f.day.isoformat(), "amount": str(f.amount),
             "interest": str(b.interest), "paid": str(b.paid), "outstanding": str(b.outstanding)}
            for f, b in inputs.fines]
    return [figure("fines_issued", str(issued), refs),
            figure("fines_outstanding", str(outstanding), refs, target="0.00",
                   colour=colours.against_limit(outstanding, 0), note="at_most")]


def _report_ref(report, name):
    return {"daily_report_id": report.id, "day": report.day.isoformat(), "field": name,
            "value": getattr(report, name)}


def _sales_figures(inputs):
    days = days_between(inputs.first, inputs.last)
    reports = [inputs.reports[d] for d in days if d in inputs.reports]
    figures = [_daily_quota_figure(inputs, days, "calls", quotas.daily_calls)]
    figures.append(_daily_quota_figure(inputs, days, "fine_leads",
                                       lambda p, b: quotas.daily_leads(p, b)[0], exemptible=True))
    figures.append(_daily_quota_figure(inputs, days, "rough_leads",
                                       lambda p, b: quotas.daily_leads(p, b)[1], exemptible=True))
    figures.append(_visits_figure(inputs, days, reports))
    for name in ("visits_unrecorded", "deals", "bookings_next_day"):
        figures.append(figure(name, sum(getattr(r, name) for r in reports), [_report_ref(r, name) for r in reports]))
    return figures


def _daily_quota_figure(inputs, days, name, quota_of, exemptible=False):
    """The sum of each working day's quota (by visits booked for the next day), less exempt days."""
    value = target = 0
    due = 0.0
    sources = []
    for day in days:
        policy = inputs.book.for_day(day)
        report = inputs.reports.get(day)
        bookings = report.bookings_next_day if report else 0
        exempt = exemptible and quotas.lead_exemption(policy, day, inputs.staff.rank, quotas.SalesHistory(
            inputs.deal_days, inputs.places.get((day.year, day.month))))
        quota = 0 if (exempt or not inputs.works(day)) else quota_of(policy, bookings)
        done = getattr(report, name) if report else 0
        value, target = value + done, target + quota
        due += quota * colours.day_elapsed(policy, day, inputs.now)
        sources.append({"day": day.isoformat(), "value": done, "quota": quota, "bookings_next_day": bookings,
                        "daily_report_id": report.id if report else None, "policy_version": policy.version,
                        "exempt": exempt or None})
    return figure(name, value, sources, target=target,
                  colour=colours.against_quota(value, target, due, inputs.finished))


def _visits_figure(inputs, days, reports):
    """Weekly visits by rank (cold visits included); a day or a month gets its working days' share."""
    target = 0.0
    due = 0.0
    for day in days:
        policy = inputs.book.for_day(day)
        week = [d for d in days_between(*week_of(day)) if inputs.works(d)]
        if inputs.works(day):
            share = quotas.weekly_visits(policy, inputs.staff.rank) / len(week)
            target += share
            due += share * colours.day_elapsed(policy, day, inputs.now)
    value = sum(r.visits for r in reports)
    target = round(target)
    return figure("visits", value, [_report_ref(r, "visits") for r in reports], target=target,
                  colour=colours.against_quota(value, target, due, inputs.finished),
                  note="weekly_quota_shared", note_params={"rank": inputs.staff.rank})


def without_sources(card):
    return {**card, "figures": [{k: v for k, v in f.items() if k != "sources"} for f in card["figures"]]}
