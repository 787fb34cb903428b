"""Closing working days into lateness and absence fines, ladders in the database, flags
(business-rules §6; seed 000 art. 1 section 一; seed 001 旷工)."""
import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from nameko.testing.services import worker_factory

from services.staff_performance import fines, policies, timesheet
from services.staff_performance.models import Fine, Flag
from services.staff_performance.service import StaffPerformanceService
from shared.errors import RuleViolation

SH = ZoneInfo("Asia/Shanghai")
LATER = datetime(2030, 1, 1, tzinfo=SH)   # every day closed in these tests is over by then


def workdays(first, count):
    days, day = [], first
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def clock(db, staff_id, day, arrive, leave=(18, 0)):
    """Readings at (hour, minute[, second]) on `day`, Shanghai time."""
    with db.unit_of_work() as uow:
        for n, moment in enumerate((arrive, leave)):
            timesheet.record_punch(uow, f"{staff_id}-{day}-{n}", staff_id,
                                   datetime(day.year, day.month, day.day, *moment, tzinfo=SH), "clock-1", LATER)


def close(db, day):
    with db.unit_of_work() as uow:
        return timesheet.close_day(uow, policies.book(uow.session), day, LATER)


def fines_of(db, staff_id):
    with db.read() as session:
        return session.execute(sa.select(Fine.rule, Fine.amount, Fine.flag).where(Fine.staff_id == staff_id)
                               .order_by(Fine.day, Fine.id)).all()


def flags_of(db, staff_id):
    with db.read() as session:
        return session.scalars(sa.select(Flag.flag).where(Flag.staff_id == staff_id)).all()


def outbox(db, event_type):
    with db.read() as session:
        rows = session.execute(sa.text("SELECT payload FROM outbox WHERE event_type = :t"), {"t": event_type})
        return [json.loads(r[0]) for r in rows]


def test_sixth_lateness_in_a_month_is_flagged_for_dismissal_and_the_count_restarts_next_month(db, hire):
    rep = hire("rep-late")
    march = workdays(date(2026, 3, 2), 6)
    for day in march + [date(2026, 4, 1)]:
        clock(db, rep, day, (8, 40))
        close(db, day)
    assert [(r, a) for r, a, _ in fines_of(db, rep)] == [("lateness", Decimal(v)) for v in
                                                           (10, 10, 20, 50, 100, 0, 10)]
    assert flags_of(db, rep) == ["dismissal_review"]
    flagged = outbox(db, "staff_flagged")
    assert [(e["staff_id"], e["flag"], e["day"]) for e in flagged] == [(rep, "dismissal_review", str(march[5]))]
    assert [e["amount"] for e in outbox(db, "fine_issued")] == ["10.00", "10.00", "20.00", "50.00", "100.00",
                                                                 "10.00"]


def test_a_manager_late_is_fined_on_the_managers_doubling_ladder(db, hire):
    boss = hire("boss-late", rank="manager")
    for day in workdays(date(2026, 3, 2), 5):
        clock(db, boss, day, (8, 35))
        close(db, day)
    assert [a for _, a, _ in fines_of(db, boss)] == [Decimal(v) for v in (20, 50, 100, 200, 400)]


def test_closing_a_day_twice_judges_it_once(db, hire):
    rep = hire("rep-twice")
    clock(db, rep, date(2026, 3, 2), (8, 40))
    assert rep in close(db, date(2026, 3, 2))
    assert rep not in close(db, date(2026, 3, 2))
    assert len(fines_of(db, rep)) == 1


def test_more_than_an_hour_late_is_absence_not_lateness(db, hire):
    rep = hire("rep-hour")
    clock(db, rep, date(2026, 3, 2), (9, 31))
    close(db, date(2026, 3, 2))
    assert fines_of(db, rep) == [("absence", Decimal(100), None)]


def test_two_consecutive_absent_days_are_flagged_300_for_the_second(db, hire):
    rep = hire("rep-gone")
    friday, monday = date(2026, 3, 6), date(2026, 3, 9)   # the weekend between is not a working day
    close(db, friday)
    close(db, monday)
    assert [a for _, a, _ in fines_of(db, rep)] == [Decimal(100), Decimal(300)]
    assert flags_of(db, rep) == ["dismissal_review"]


def test_three_absences_in_a_year_are_flagged_and_not_consecutive_ones_are_not_until_then(db, hire):
    rep = hire("rep-third")
    days = [date(2026, 2, 2), date(2026, 5, 4), date(2026, 9, 7)]
    for n, day in enumerate(days):
        close(db, day)
        assert flags_of(db, rep) == ([] if n < 2 else ["dismissal_review"])
    assert [a for _, a, f in fines_of(db, rep)] == [Decimal(100), Decimal(300), Decimal(0)]


def test_leave_asked_in_time_excuses_the_day_leave_asked_late_does_not(db, hire):
    good, late = hire("rep-leave"), hire("rep-leave-late")
    day = date(2026, 3, 4)
    with db.unit_of_work() as uow:
        policy = policies.book(uow.session).for_day(day)
        for staff, asked in ((good, datetime(2026, 3, 3, 17, tzinfo=SH)), (late, datetime(2026, 3, 4, 7, tzinfo=SH))):
            timesheet.request_leave(uow, policy, staff, "personal", day, day, asked, "family", now=LATER)
    judged = close(db, day)
    assert (judged[good].status, judged[late].status) == ("on_leave", "absent")


def test_manager_recorded_infractions_climb_their_ladders(db, hire):
    rep = hire("rep-orders")
    day = date(2026, 3, 2)
    with db.unit_of_work() as uow:
        policy = policies.book(uow.session).for_day(day)
        issued = [fines.issue(uow, policy, rep, rule, day, "seen by the manager", "boss")
                  for rule in ["unexecuted_order"] * 4 + ["unrecorded_visit"] * 3 + ["fake_visit"] * 2]
    assert [(f.amount, f.flag) for f in issued] == [
        (Decimal(20), None), (Decimal(50), None), (Decimal(100), None), (Decimal(0), "dismissal_review"),
        (Decimal(20), None), (Decimal(50), None), (Decimal(100), None),
        (Decimal(100), None), (Decimal(0), "dismissal_review")]
    assert sorted(flags_of(db, rep)) == ["dismissal_review", "dismissal_review"]


def test_interest_past_week_three_raises_a_flag_once(db, hire):
    rep = hire("rep-debtor")
    day = date(2026, 3, 2)
    with db.unit_of_work() as uow:
        fine = fines.issue(uow, policies.book(uow.session).for_day(day), rep, "unexecuted_order", day, "x", "boss")
        fines.give_notice(uow, fine.id, day)
    for as_of in (day + timedelta(days=21), day + timedelta(days=22), day + timedelta(days=23)):
        with db.unit_of_work() as uow:
            fines.flag_interest_beyond_policy(uow, policies.book(uow.session), as_of)
        assert flags_of(db, rep) == ([] if as_of == day + timedelta(days=21) else ["interest_beyond_policy"])


def test_the_hourly_timer_closes_yesterday_by_the_shanghai_calendar(db, hire):
    rep = hire("rep-timer")
    # 01:00 on Tuesday 17 March in Shanghai is still Monday in UTC: Monday is "yesterday"
    now = datetime(2026, 3, 16, 17, 0, tzinfo=ZoneInfo("UTC"))
    with db.unit_of_work() as uow:
        judged = timesheet.close_yesterday(uow, policies.book(uow.session), now)
    assert judged[rep].status == "absent"
    assert fines_of(db, rep) == [("absence", Decimal(100), None)]


def test_the_services_daily_job_closes_yesterday_and_checks_interest(db, hire):
    rep = hire("rep-daily")
    service = worker_factory(StaffPerformanceService, db=db)
    service.run_daily(datetime(2026, 3, 17, 2, 0, tzinfo=SH))   # Tuesday morning: Monday is judged
    assert fines_of(db, rep) == [("absence", Decimal(100), None)]


def test_a_day_that_is_not_over_cannot_be_closed(db, hire):
    hire("rep-early-close")
    with db.unit_of_work() as uow:
        with pytest.raises(RuleViolation):
            timesheet.close_day(uow, policies.book(uow.session), date(2026, 3, 16),
                                datetime(2026, 3, 16, 20, tzinfo=SH))


@pytest.mark.parametrize("leave, status, fined", [
    ((17, 59, 59), "absent", [("absence", Decimal(100), None)]),   # a second early: early leave = a day's absence
    ((18, 0, 0), "present", []),
])
def test_leaving_before_the_end_of_the_day_by_any_amount_is_that_days_absence(db, hire, leave, status, fined):
    """001: 凡未到下班时间,提前离岗,即为早退,早退当天按旷工处理."""
    rep = hire(f"rep-leaves-{leave[1]}")
    day = date(2026, 3, 2)
    clock(db, rep, day, (8, 30), leave)
    assert close(db, day)[rep].status == status
    assert fines_of(db, rep) == fined


def test_half_an_hour_early_twice_in_a_row_is_two_absences_and_a_dismissal_flag(db, hire):
    rep = hire("rep-half-hour")
    for day in (date(2026, 3, 2), date(2026, 3, 3)):
        clock(db, rep, day, (8, 30), (17, 30))
        close(db, day)
    assert [(r, a) for r, a, _ in fines_of(db, rep)] == [("absence", Decimal(100)), ("absence", Decimal(300))]
    assert flags_of(db, rep) == ["dismissal_review"]
