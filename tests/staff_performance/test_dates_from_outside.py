"""Dates from outside are checked before anything is stored (issue 18 item 7): a clock reading more than a
few minutes ahead of the service's clock, or for a day already judged, is a 422 naming `at`; days in
bodies, queries and paths outside 2000-01-01…2099-12-31 are a 400 naming the field; days that cannot
be in the future (a fine's, a payment's, a notice's) are a 422 when they are."""
import uuid
from datetime import date, datetime, timedelta, timezone

import pytest
import requests

from services.staff_performance import windows
from services.staff_performance.business_days import business_day
from shared.timeutil import to_iso, utcnow

DAY = date(2026, 3, 16)


NOW = datetime(2026, 12, 3, 9, 0, tzinfo=timezone.utc)


def test_a_reading_may_be_up_to_the_clock_skew_ahead_and_not_a_microsecond_more():
    skew = timedelta(seconds=300)
    assert windows.not_yet(NOW + skew, NOW, skew) is None
    assert "in the future" in windows.not_yet(NOW + skew + timedelta(microseconds=1), NOW, skew)


def test_today_is_the_latest_day_and_a_year_the_furthest_ahead():
    today = NOW.date()
    assert windows.after_today(today, today) is None
    assert windows.after_today(today + timedelta(days=1), today) == f"after today ({today})"
    assert windows.too_far_ahead(today + timedelta(days=366), today) is None
    assert windows.too_far_ahead(today + timedelta(days=367), today) is not None


def new_id(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:6]}"


def call(svc, method, path, role="manager", **kwargs):
    headers = svc.headers(role, **{"Idempotency-Key": new_id("k")})
    return requests.request(method, svc.url(path), headers=headers, timeout=10, **kwargs)


def refused(answer, status, field):
    assert answer.status_code == status, answer.text[:300]
    assert field in answer.json()["fields"], answer.text[:300]
    return True


@pytest.fixture
def service_with_rep(start_service):
    svc = start_service("staff_performance")
    rep = new_id("rep")
    saved = call(svc, "PUT", f"/staff/{rep}", json={"name": rep, "role": "sales", "rank": "regular", "team": "t"})
    assert saved.status_code == 200, saved.text
    return svc, rep


def test_a_clock_reading_from_the_future_or_for_a_judged_day_is_refused_naming_at(service_with_rep):
    svc, rep = service_with_rep

    def punch(at):
        return call(svc, "POST", "/punches", role="clock", json={"punch_id": new_id("p"), "staff_id": rep,
                                                                  "at": at})
    assert punch(to_iso(utcnow())).status_code == 201
    assert refused(punch(to_iso(utcnow() + timedelta(hours=1))), 422, "at")
    assert refused(punch("2099-12-31T00:00:00Z"), 422, "at")        # within the years kept, still the future
    assert refused(punch("2999-01-01T00:00:00Z"), 400, "at")
    assert refused(punch("1999-12-31T23:59:59Z"), 400, "at")

    first = {"punch_id": new_id("p"), "staff_id": rep, "at": f"{DAY}T01:00:00Z"}
    assert call(svc, "POST", "/punches", role="clock", json=first).status_code == 201
    assert call(svc, "POST", "/attendance/close", json={"day": str(DAY)}).json()["judged"][rep]["status"] == "absent"
    assert call(svc, "POST", "/punches", role="clock", json=first).json()["recorded"] is False   # a resend: fine
    late = call(svc, "POST", "/punches", role="clock", json={**first, "punch_id": new_id("p")})
    assert refused(late, 422, "at") and late.json()["error"] == "day_closed"


@pytest.mark.parametrize("day, status", [("9999-12-31", 400), ("0001-01-01", 400), ("2100-01-01", 400),
                                         ("1999-12-31", 400), ("2099-12-31", 200), ("2000-01-01", 200)])
def test_days_in_queries_outside_the_years_kept_are_a_400_naming_them(service_with_rep, day, status):
    svc, rep = service_with_rep
    for path, params, field in (("/leaderboard", {"team": "t", "day": day}, "day"),
                                (f"/staff/{rep}/scorecard", {"day": day, "period": "month"}, "day"),
                                (f"/staff/{rep}/scorecard", {"day": day, "period": "week"}, "day"),
                                ("/fines", {"as_of": day}, "as_of")):
        answer = call(svc, "GET", path, params=params)
        assert answer.status_code == status, (path, answer.text[:300])
        if status == 400:
            assert refused(answer, 400, field)


def test_days_in_bodies_and_paths_outside_the_years_kept_are_a_400_naming_them(service_with_rep):
    svc, rep = service_with_rep
    figures = {"calls": 0, "visits": 0, "visits_unrecorded": 0, "fine_leads": 0, "rough_leads": 0, "deals": 0,
               "bookings_next_day": 0}
    leave = {"staff_id": rep, "kind": "personal", "first_day": str(DAY), "last_day": str(DAY),
             "requested_at": f"{DAY - timedelta(days=3)}T01:00:00Z", "reason": "family"}
    for answer, field in (
            (call(svc, "PUT", f"/daily-reports/{rep}/9999-12-31", json=figures), "day"),
            (call(svc, "PUT", f"/daily-reports/{rep}/0001-01-01", json=figures), "day"),
            (call(svc, "POST", "/attendance/close", json={"day": "9999-12-31"}), "day"),
            (call(svc, "POST", "/fines", json={"staff_id": rep, "rule": "fake_visit", "day": "9999-12-31",
                                              "reason": "x"}), "day"),
            (call(svc, "POST", "/leave", json={**leave, "first_day": "0001-01-01"}), "first_day"),
            (call(svc, "POST", "/leave", json={**leave, "last_day": "9999-12-31"}), "last_day"),
            (call(svc, "POST", "/policies", json={"effective_from": "9999-12-31", "changes": {"sla_rate_target": "1"}}),
             "effective_from")):
        assert refused(answer, 400, field)
    assert call(svc, "GET", "/fines", params={"staff_id": rep}).json()["fines"] == []
    assert call(svc, "GET", "/leave", params={"staff_id": rep}).json()["leave"] == []


def test_days_that_cannot_be_in_the_future_are_a_422_when_they_are(service_with_rep):
    svc, rep = service_with_rep
    today = business_day(utcnow())
    tomorrow = str(today + timedelta(days=1))
    fine = call(svc, "POST", "/fines", json={"staff_id": rep, "rule": "fake_visit", "day": str(today), "reason": "x"})
    assert fine.status_code == 201, fine.text
    fine_id = fine.json()["id"]
    figures = {"calls": 1, "visits": 0, "visits_unrecorded": 0, "fine_leads": 0, "rough_leads": 0, "deals": 0,
               "bookings_next_day": 0}
    for answer, field in (
            (call(svc, "POST", "/fines", json={"staff_id": rep, "rule": "fake_visit", "day": tomorrow,
                                              "reason": "x"}), "day"),
            (call(svc, "POST", f"/fines/{fine_id}/notice", json={"day": tomorrow}), "day"),
            (call(svc, "POST", f"/fines/{fine_id}/payments", json={"amount": "1.00", "day": tomorrow}), "day"),
            (call(svc, "PUT", f"/daily-reports/{rep}/{tomorrow}", json=figures), "day"),
            (call(svc, "POST", "/leave", json={
                "staff_id": rep, "kind": "personal", "first_day": str(today + timedelta(days=367)),
                "last_day": str(today + timedelta(days=367)), "requested_at": to_iso(utcnow()), "reason": "x"}),
             "first_day"),
            (call(svc, "POST", "/leave", json={
                "staff_id": rep, "kind": "personal", "first_day": tomorrow, "last_day": tomorrow,
                "requested_at": to_iso(utcnow() + timedelta(hours=1)), "reason": "x"}), "requested_at")):
        assert refused(answer, 422, field)
    assert [f["id"] for f in call(svc, "GET", "/fines", params={"staff_id": rep}).json()["fines"]] == [fine_id]
    assert call(svc, "POST", f"/fines/{fine_id}/notice", json={"day": str(today)}).status_code == 200
    assert call(svc, "PUT", f"/daily-reports/{rep}/{today}", json=figures).status_code == 200
    in_a_year = call(svc, "POST", "/leave", json={
        "staff_id": rep, "kind": "personal", "first_day": str(today + timedelta(days=366)),
        "last_day": str(today + timedelta(days=366)), "requested_at": to_iso(utcnow()), "reason": "x"})
    assert in_a_year.status_code == 201, in_a_year.text
