"""Scorecard figures from plain inputs: quotas by day, pace colours (三色预警, business-rules §8),
weekly visits by rank, and the policy in force on each day (business-rules §6)."""
from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from services.staff_performance.policies import PolicyBook
from services.staff_performance.scorecard import ScorecardInputs, build

SH = ZoneInfo("Asia/Shanghai")
MONDAY = date(2026, 3, 16)


def rep(rank="regular"):
    return SimpleNamespace(staff_id="rep-1", name="Rep", rank=rank, team="t", role="sales")


def report(day, **figures):
    values = dict(calls=0, visits=0, visits_unrecorded=0, fine_leads=0, rough_leads=0, deals=0,
                  bookings_next_day=0)
    values.update(figures)
    return SimpleNamespace(id=1, day=day, **values)


def card(first, last, now, reports=(), book=None, rank="regular", places=None, rota=None):
    reports = {r.day: r for r in reports}
    inputs = ScorecardInputs(staff=rep(rank), period="x", first=first, last=last, book=book or PolicyBook(),
                             now=now, reports=reports, deal_days={d: r.deals for d, r in reports.items()},
                             places=places or {}, rota=rota or {})
    return {f["name"]: f for f in build(inputs)["figures"]}


def test_a_day_in_progress_is_yellow_behind_pace_and_green_on_pace():
    noon = datetime(2026, 3, 16, 12, 0, tzinfo=SH)    # 210 of 450 working minutes gone
    behind = card(MONDAY, MONDAY, noon, [report(MONDAY, calls=50)])
    on_pace = card(MONDAY, MONDAY, noon, [report(MONDAY, calls=100)])
    assert (behind["calls"]["target"], behind["calls"]["colour"]) == (200, "yellow")
    assert on_pace["calls"]["colour"] == "green"


def test_a_finished_day_below_quota_is_red_and_at_quota_green():
    evening = datetime(2026, 3, 16, 19, 0, tzinfo=SH)
    assert card(MONDAY, MONDAY, evening, [report(MONDAY, calls=99, bookings_next_day=1)])["calls"]["colour"] == "red"
    done = card(MONDAY, MONDAY, evening, [report(MONDAY, calls=50, fine_leads=10, rough_leads=40,
                                                 bookings_next_day=2)])
    assert [done[k]["colour"] for k in ("calls", "fine_leads", "rough_leads")] == ["green"] * 3


def test_a_week_sums_daily_quotas_and_checks_weekly_visits_by_rank():
    friday_night = datetime(2026, 3, 20, 20, 0, tzinfo=SH)
    week = card(MONDAY, date(2026, 3, 22), friday_night, [report(MONDAY, visits=5)], rank="probation")
    assert week["calls"]["target"] == 5 * 200
    assert (week["visits"]["target"], week["visits"]["value"], week["visits"]["colour"]) == (5, 5, "green")
    assert card(MONDAY, date(2026, 3, 22), friday_night, [report(MONDAY, visits=5)],
                rank="senior")["visits"]["colour"] == "yellow"   # Sunday not over yet: behind, not missed


def test_quotas_fall_on_the_days_a_rep_is_on_the_rota():
    """每天2人值班: someone on the rota that week works their rota days, weekends included."""
    saturday, sunday = date(2026, 3, 21), date(2026, 3, 22)
    on_duty = SimpleNamespace(start=None, end=None)
    week = card(MONDAY, sunday, datetime(2026, 3, 23, 9, 0, tzinfo=SH), [report(saturday, visits=8)],
                rota={saturday: on_duty, sunday: on_duty})
    calls = {s["day"]: s["quota"] for s in week["calls"]["sources"]}
    assert calls == {str(MONDAY + timedelta(days=n)): 200 if n >= 5 else 0 for n in range(7)}
    assert (week["visits"]["target"], week["visits"]["colour"]) == (8, "green")   # the week's 8 over two days


def test_champion_exemption_shows_in_the_explanation():
    evening = datetime(2026, 3, 16, 19, 0, tzinfo=SH)
    got = card(MONDAY, MONDAY, evening, [report(MONDAY)], places={(2026, 3): 1})
    assert (got["fine_leads"]["target"], got["fine_leads"]["colour"]) == (0, "green")
    assert "champion" in got["fine_leads"]["sources"][0]["exempt"]
    assert got["calls"]["target"] == 200   # the exemptions are for lead research only


def test_each_day_of_a_period_uses_the_policy_in_force_that_day():
    book = PolicyBook([{"effective_from": "2026-03-19", "calls_by_bookings": [100, 50, 25]}])
    week = card(MONDAY, date(2026, 3, 22), datetime(2026, 3, 30, tzinfo=timezone.utc), book=book)
    assert week["calls"]["target"] == 3 * 200 + 2 * 100
    assert {s["policy_version"] for s in week["calls"]["sources"]} == {"default", book.versions[1].version}


def answered(day, in_sla, of=5):
    """`of` answered cases of which `in_sla` within the SLA: the facts the scorecard counts."""
    kinds = ["case_answered"] * of + ["case_answered_in_sla"] * in_sla
    return [SimpleNamespace(id=n, event_id=f"e{n}", source="after_sales.case_answered", subject=str(n), kind=kind,
                            day=day, occurred_at=datetime(2026, 3, 16, 10, 0, tzinfo=SH), seconds=None)
            for n, kind in enumerate(kinds)]


def sla_rate(in_sla, of, target):
    book = PolicyBook([{"effective_from": "2026-03-01", "sla_rate_target": target}])
    inputs = ScorecardInputs(staff=rep(), period="day", first=MONDAY, last=MONDAY, book=book,
                             now=datetime(2026, 3, 16, 19, 0, tzinfo=SH), facts=answered(MONDAY, in_sla, of))
    figure = {f["name"]: f for f in build(inputs)["figures"]}["sla_rate"]
    return figure["value"], figure["target"], figure["colour"]


def test_an_sla_rate_exactly_at_its_target_is_green_just_below_is_red():
    """三色预警: the target is met when reached, not only when exceeded."""
    assert sla_rate(4, 5, "0.80") == ("0.80", "0.80", "green")
    assert sla_rate(3, 4, "0.80") == ("0.75", "0.80", "red")
    assert sla_rate(5, 5, "1.00") == ("1.00", "1.00", "green")
    assert sla_rate(99, 100, "1.00") == ("0.99", "1.00", "red")
