"""The duty rota (seed 001: 周一至周日有人在岗,每天2人值班; business-rules §6): attendance is judged on
the days a person is on the rota, a short day is flagged on the bus, and managers keep the rota over HTTP."""
import json
import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
import sqlalchemy as sa

from services.staff_performance import policies, rota, timesheet
from services.staff_performance.business_days import business_day
from services.staff_performance.models import Fine, Flag
from shared.testing.polling import wait_for
from shared.timeutil import utcnow

SH = ZoneInfo("Asia/Shanghai")
LATER = datetime(2030, 1, 1, tzinfo=SH)
FRIDAY, SATURDAY, SUNDAY, MONDAY = date(2026, 3, 20), date(2026, 3, 21), date(2026, 3, 22), date(2026, 3, 23)


def on_duty(db, staff_id, *days, start=None, end=None):
    """Put on the rota as a manager would have, on the day before (the rota changes only ahead)."""
    with db.unit_of_work() as uow:
        book = policies.book(uow.session)
        for day in days:
            rota.put(uow, book.for_day(day), day, staff_id, start, end, "boss", day - timedelta(days=1))


def clock(db, staff_id, day, *moments):
    with db.unit_of_work() as uow:
        for n, moment in enumerate(moments):
            timesheet.record_punch(uow, f"{staff_id}-{day}-{n}", staff_id,
                                   datetime(day.year, day.month, day.day, *moment, tzinfo=SH), "clock-1", LATER)


def close(db, *days):
    judged = {}
    for day in days:
        with db.unit_of_work() as uow:
            judged[day] = timesheet.close_day(uow, policies.book(uow.session), day, LATER)
    return judged


def statuses(judged, staff_id):
    return {day: found[staff_id].status for day, found in judged.items()}


def test_attendance_follows_the_rota_not_monday_to_friday(db, hire):
    weekender, office = hire("weekender"), hire("office")
    on_duty(db, weekender, SATURDAY, SUNDAY)
    clock(db, weekender, SATURDAY, (8, 30), (18, 0))
    judged = close(db, date(2026, 3, 16), SATURDAY, SUNDAY, MONDAY)
    assert statuses(judged, weekender) == {date(2026, 3, 16): "rest", SATURDAY: "present", SUNDAY: "absent",
                                           MONDAY: "absent"}   # next week: off the rota, the default week
    assert statuses(judged, office) == {date(2026, 3, 16): "absent", SATURDAY: "rest", SUNDAY: "rest",
                                        MONDAY: "absent"}


@pytest.mark.parametrize("leave, status", [((15, 59, 59), "absent"), ((16, 0, 0), "present")])
def test_the_end_of_a_shift_on_the_rota_is_the_end_of_the_day(db, hire, leave, status):
    early = hire(f"early-shift-{leave[0]}")
    on_duty(db, early, SATURDAY, end=time(16, 0))
    clock(db, early, SATURDAY, (8, 30), leave)
    assert close(db, SATURDAY)[SATURDAY][early].status == status


def test_absent_on_two_rota_days_in_a_row_is_flagged_across_the_days_off(db, hire):
    """连续旷工两日: the rota's days off between two absences do not break the streak."""
    rep = hire("two-rota-days")
    on_duty(db, rep, FRIDAY, MONDAY)   # this week Friday only; next week Monday
    judged = close(db, FRIDAY, SATURDAY, SUNDAY, MONDAY)
    assert statuses(judged, rep) == {FRIDAY: "absent", SATURDAY: "rest", SUNDAY: "rest", MONDAY: "absent"}
    with db.read() as session:
        assert session.scalars(sa.select(Fine.amount).where(Fine.staff_id == rep).order_by(Fine.day)).all() == [
            100, 300]
        assert session.scalars(sa.select(Flag.flag).where(Flag.staff_id == rep)).all() == ["dismissal_review"]


@pytest.mark.parametrize("people, flagged", [(1, True), (2, False)])
def test_a_day_with_fewer_than_two_on_duty_is_flagged_once(db, hire, people, flagged):
    today = SATURDAY
    for n in range(people):
        on_duty(db, hire(f"duty-{people}-{n}"), today)
    for _ in range(2):
        with db.unit_of_work() as uow:
            rota.flag_short_days(uow, policies.book(uow.session), today)
    with db.read() as session:
        flags = session.execute(sa.select(Flag.staff_id, Flag.flag, Flag.day)).all()
        published = [json.loads(p) for p in session.scalars(
            sa.text("SELECT payload FROM outbox WHERE event_type = 'staff_flagged'"))]
    days_ahead = {today + timedelta(days=n) for n in range(1, 4)}   # nobody on duty yet: all short
    assert {day for _, _, day in flags} == days_ahead | ({today} if flagged else set())
    assert {(s, f) for s, f, _ in flags} == {("duty_rota", "understaffed")}
    assert sorted(e["day"] for e in published) == sorted(str(day) for _, _, day in flags)


def new_id(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:6]}"


def call(svc, method, path, role="manager", **kwargs):
    return requests.request(method, svc.url(path), headers=svc.headers(role), timeout=10, **kwargs)


def test_managers_keep_the_rota_over_http_and_a_week_shows_who_is_short(start_service):
    svc = start_service("staff_performance")
    amy, bob = new_id("amy"), new_id("bob")
    for person in (amy, bob):
        assert call(svc, "PUT", f"/staff/{person}", json={"name": person, "role": "agent", "rank": "regular",
                                                           "team": "t"}).status_code == 200
    today = business_day(utcnow())
    # Two days ahead in one Monday-to-Sunday week: tomorrow and the day after, or, when tomorrow is a Sunday
    # (today a Saturday), Monday and Tuesday.
    day1 = today + timedelta(days=2 if (today + timedelta(days=1)).weekday() == 6 else 1)
    day2 = day1 + timedelta(days=1)
    assert call(svc, "PUT", f"/rota/{day1}/{amy}", json={}).status_code == 201
    assert call(svc, "PUT", f"/rota/{day1}/{bob}", json={"end": "16:00"}).status_code == 201
    again = call(svc, "PUT", f"/rota/{day1}/{bob}", json={"start": "09:00", "end": "16:00"})
    assert (again.status_code, again.json()["added"]) == (200, False)
    assert call(svc, "PUT", f"/rota/{day2}/{amy}", json={}).status_code == 201
    assert call(svc, "PUT", f"/rota/{day2}/{bob}", role="supervisor", json={}).status_code == 403

    week = call(svc, "GET", "/rota", params={"week": str(day2)}).json()
    days = {d["day"]: d for d in week["days"]}
    assert len(days) == 7 and week["first"] <= str(day2) <= week["last"]
    assert (days[str(day1)]["short_by"], days[str(day1)]["colour"]) == (0, "green")
    assert [(p["staff_id"], p["start"], p["end"]) for p in days[str(day1)]["on_duty"]] == sorted(
        [(amy, "08:30", "18:00"), (bob, "09:00", "16:00")])
    assert (days[str(day2)]["short_by"], days[str(day2)]["colour"]) == (1, "red")
    assert call(svc, "GET", "/rota", role="supervisor").status_code == 200

    assert call(svc, "DELETE", f"/rota/{day1}/{bob}").json()["removed"] is True
    assert call(svc, "DELETE", f"/rota/{day1}/{bob}").status_code == 404
    assert call(svc, "GET", "/rota", params={"week": str(day1)}).json()["days"][day1.weekday()]["short_by"] == 1

    for path, body, status, field in (
            (f"/rota/{today - timedelta(days=1)}/{amy}", {}, 422, "day"),      # the past is what it was judged by
            (f"/rota/{today + timedelta(days=367)}/{amy}", {}, 422, "day"),    # a year ahead at most
            (f"/rota/9999-12-31/{amy}", {}, 400, "day"),
            (f"/rota/{day1}/{amy}", {"start": "18:00", "end": "09:00"}, 422, "end"),
            (f"/rota/{day1}/{amy}", {"start": "25:00"}, 400, "start"),
            (f"/rota/{day1}/{amy}", {"shift": "night"}, 400, "shift")):
        answer = call(svc, "PUT", path, json=body)
        assert (answer.status_code, list(answer.json().get("fields", {}))) == (status, [field]), (path, answer.text)
    assert call(svc, "PUT", f"/rota/{day1}/nobody", json={}).status_code == 404
    assert call(svc, "PUT", f"/rota/{today + timedelta(days=366)}/{amy}", json={}).status_code == 201
    assert call(svc, "PUT", f"/rota/{today}/{amy}", json={}).status_code == 201
    assert call(svc, "GET", "/rota", params={"week": "9999-12-31"}).status_code == 400


def test_a_week_of_the_rota_shows_each_judged_days_attendance(start_service):
    svc = start_service("staff_performance")
    rep = new_id("rep")
    call(svc, "PUT", f"/staff/{rep}", json={"name": "王芳", "role": "agent", "rank": "regular", "team": "t"})
    on_duty(svc.db, rep, SATURDAY)
    punch = {"punch_id": new_id("p"), "staff_id": rep, "at": datetime(2026, 3, 21, 8, 30, tzinfo=SH).isoformat()}
    assert call(svc, "POST", "/punches", role="clock", json=punch).status_code == 201
    closed = call(svc, "POST", "/attendance/close", json={"day": str(SATURDAY)}).json()["judged"][rep]
    assert (closed["status"], closed["reason"]) == ("absent", "left_early")   # one reading: gone at 8:30
    [person] = call(svc, "GET", "/rota", params={"week": str(SATURDAY)}).json()["days"][5]["on_duty"]
    assert (person["name"], person["attendance"]["status"], person["attendance"]["early_minutes"]) == (
        "王芳", "absent", 570)


def test_the_daily_round_flags_short_days_on_the_bus(start_service, flagged):
    """每天2人值班: today and the next three days are watched; a day with two on duty is not flagged."""
    svc = start_service("staff_performance")
    amy, bob = new_id("amy"), new_id("bob")
    today = business_day(utcnow())
    for person in (amy, bob):
        call(svc, "PUT", f"/staff/{person}", json={"name": person, "role": "agent", "rank": "regular", "team": "t"})
        assert call(svc, "PUT", f"/rota/{today + timedelta(days=1)}/{person}", json={}).status_code == 201
    assert call(svc, "PUT", f"/rota/{today + timedelta(days=2)}/{amy}", json={}).status_code == 201
    svc.container.stop()
    # The same database, with the daily round every fraction of a second.
    start_service("staff_performance", config={**svc.config, "DAILY_CLOSE_SECONDS": 0.2})

    def rota_flags():
        found = [e for e in flagged() if e["staff_id"] == "duty_rota"]
        return found if len(found) >= 3 else None
    found = wait_for(rota_flags, timeout=20)
    assert sorted((e["flag"], e["day"]) for e in found) == [
        ("understaffed", str(today + timedelta(days=n))) for n in (0, 2, 3)]
    assert "1 on duty, 2 required" in next(e["reason"] for e in found if e["day"] == str(today + timedelta(days=2)))
