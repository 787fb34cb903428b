"""The department's own records over HTTP: clock-in device, leave, daily sales figures, fines with
notice, payments and interest, policy versions, leaderboard (business-rules §6; seed 000 art. 1; seed 001)."""
import uuid
from datetime import date, timedelta

import requests
import sqlalchemy as sa

from shared.testing.polling import wait_for
from tests.staff_performance.events import sh

DAY = date(2026, 3, 16)


def new_id(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:6]}"


def hire(svc, staff_id, rank="regular", team="sales-a"):
    response = requests.put(svc.url(f"/staff/{staff_id}"), headers=svc.headers("manager"),
                            json={"name": staff_id, "role": "sales", "rank": rank, "team": team})
    assert response.status_code == 200, response.text


def call(svc, method, path, role="manager", **kwargs):
    return requests.request(method, svc.url(path), headers=svc.headers(role, **kwargs.pop("headers", {})), **kwargs)


def by_name(card):
    return {f["name"]: f for f in card["figures"]}


def test_lateness_from_the_clock_a_fine_with_notice_interest_and_payment(start_service):
    svc = start_service("staff_performance")
    rep = new_id("rep")
    hire(svc, rep)
    punch = {"punch_id": new_id("p"), "staff_id": rep, "at": sh(DAY, 8, 40).isoformat()}
    assert call(svc, "POST", "/punches", role="clock", json=punch).status_code == 201
    assert call(svc, "POST", "/punches", role="clock", json=punch).json()["recorded"] is False   # resent
    assert call(svc, "POST", "/punches", role="manager", json=punch).status_code == 403
    call(svc, "POST", "/punches", role="clock", json={**punch, "punch_id": new_id("p"),
                                                       "at": sh(DAY, 18, 2).isoformat()})

    closed = call(svc, "POST", "/attendance/close", json={"day": DAY.isoformat()}).json()
    assert closed["judged"][rep] == {"status": "late", "reason": "", "late_minutes": 10, "early_minutes": 0,
                                     "away_minutes": 0}
    ledger = call(svc, "GET", "/fines", params={"staff_id": rep, "as_of": str(DAY + timedelta(days=9))}).json()
    [fine] = ledger["fines"]
    assert (fine["rule"], fine["amount"], fine["interest"]) == ("lateness", "10.00", "0.00")   # no notice yet

    assert call(svc, "POST", f"/fines/{fine['id']}/notice", json={"day": DAY.isoformat()}).status_code == 200
    ledger = call(svc, "GET", "/fines", params={"staff_id": rep, "as_of": str(DAY + timedelta(days=9))}).json()
    assert (ledger["fines"][0]["interest"], ledger["fines"][0]["outstanding"]) == ("11.00", "21.00")   # 7*1 + 2*2

    pay = {"amount": "21.00", "day": str(DAY + timedelta(days=9))}
    key = {"Idempotency-Key": new_id("k")}
    paid = call(svc, "POST", f"/fines/{fine['id']}/payments", json=pay, headers=key)
    assert (paid.status_code, paid.json()["outstanding"], paid.json()["settled_on"]) == (201, "0.00", pay["day"])
    again = call(svc, "POST", f"/fines/{fine['id']}/payments", json=pay, headers=key)
    assert again.headers.get("Idempotent-Replay") == "true"
    over = call(svc, "POST", f"/fines/{fine['id']}/payments", json={**pay, "amount": "1.00"})
    assert (over.status_code, over.json()["error"]) == (409, "overpayment")

    def fine_event_sent():
        with svc.db.read() as session:
            return session.execute(sa.text(
                "SELECT payload FROM outbox WHERE event_type = 'fine_issued' AND published_at IS NOT NULL")).all()
    assert f'"staff_id": "{rep}"' in wait_for(fine_event_sent)[0][0]

    card = by_name(call(svc, "GET", f"/staff/{rep}/scorecard",
                        params={"day": str(DAY), "now": f"{DAY}T12:00:00Z"}).json())
    assert (card["late_days"]["value"], card["late_days"]["colour"]) == (1, "red")
    assert card["fines_issued"]["value"] == "10.00"


def test_early_leave_and_an_hour_away_from_the_post_are_a_days_absence(start_service):
    """001: 早退当天按旷工处理; 未经批准离岗1小时以上者...依旷工论处. The clock device posts each reading."""
    svc = start_service("staff_performance")
    early, on_time, away = new_id("early"), new_id("ontime"), new_id("away")
    days = {early: [(8, 30, 0, None), (17, 59, 59, None)], on_time: [(8, 30, 0, None), (18, 0, 0, None)],
            away: [(8, 30, 0, "in"), (10, 0, 0, "out"), (11, 0, 1, "in"), (18, 0, 0, "out")]}
    for rep, readings in days.items():
        hire(svc, rep)
        for hh, mm, ss, direction in readings:
            reading = {"punch_id": new_id("p"), "staff_id": rep, "at": sh(DAY, hh, mm).replace(second=ss).isoformat()}
            posted = call(svc, "POST", "/punches", role="clock",
                          json={**reading, **({"direction": direction} if direction else {})})
            assert posted.status_code == 201, posted.text
    judged = call(svc, "POST", "/attendance/close", json={"day": DAY.isoformat()}).json()["judged"]
    assert (judged[early]["status"], judged[early]["reason"], judged[early]["early_minutes"]) == (
        "absent", "left_early", 1)
    assert judged[on_time]["status"] == "present"
    assert (judged[away]["status"], judged[away]["reason"], judged[away]["away_minutes"]) == (
        "absent", "away_over_limit", 61)
    for rep, fined in ((early, ["100.00"]), (on_time, []), (away, ["100.00"])):
        ledger = call(svc, "GET", "/fines", params={"staff_id": rep}).json()["fines"]
        assert [(f["rule"], f["amount"]) for f in ledger] == [("absence", amount) for amount in fined]
    bad = call(svc, "POST", "/punches", role="clock", json={"punch_id": new_id("p"), "staff_id": early,
                                                             "at": sh(DAY, 9, 0).isoformat(), "direction": "up"})
    assert (bad.status_code, list(bad.json()["fields"])) == (400, ["direction"])


def test_bad_requests_are_refused_with_the_field_and_change_nothing(start_service):
    svc = start_service("staff_performance")
    rep = new_id("rep")
    hire(svc, rep)
    bad = call(svc, "POST", "/fines", json={"staff_id": rep, "rule": "lateness", "day": str(DAY), "reason": "x"})
    assert (bad.status_code, list(bad.json()["fields"])) == (400, ["rule"])   # lateness comes from the clock
    unknown = call(svc, "POST", "/fines", json={"staff_id": rep, "rule": "fake_visit", "day": str(DAY),
                                                 "reason": "x", "amount": "5"})
    assert (unknown.status_code, list(unknown.json()["fields"])) == (400, ["amount"])
    report = call(svc, "PUT", f"/daily-reports/{rep}/{DAY}", json={
        "calls": 10, "visits": 1, "visits_unrecorded": 2, "fine_leads": 0, "rough_leads": 0, "deals": 0,
        "bookings_next_day": 0})
    assert report.status_code == 422
    assert call(svc, "GET", "/fines", params={"staff_id": rep}).json()["fines"] == []
    assert call(svc, "GET", f"/staff/{rep}/scorecard", role="clock").status_code == 403
    late = call(svc, "POST", "/leave", json={"staff_id": rep, "kind": "personal", "first_day": str(DAY),
                                             "last_day": str(DAY), "requested_at": sh(DAY, 7, 0).isoformat(),
                                             "reason": "errand"})
    assert (late.status_code, late.json()["notice_ok"]) == (201, False)


def test_sick_leave_is_granted_at_once_and_its_proof_recorded_afterwards(start_service):
    svc = start_service("staff_performance")
    rep = new_id("rep")
    hire(svc, rep)
    sick = call(svc, "POST", "/leave", headers={"Idempotency-Key": new_id("k")}, json={
        "staff_id": rep, "kind": "sick", "first_day": str(DAY), "last_day": str(DAY),
        "requested_at": sh(DAY, 8, 0).isoformat(), "reason": "fever"}).json()
    assert (sick["notice_ok"], sick["proof_required"], sick["proof_received_on"]) == (True, True, None)
    proof = call(svc, "POST", f"/leave/{sick['id']}/proof", json={"day": str(DAY + timedelta(days=2))})
    assert proof.json()["proof_received_on"] == str(DAY + timedelta(days=2))
    assert call(svc, "POST", f"/leave/{sick['id']}/proof", json={"day": str(DAY)}).status_code == 409
    assert call(svc, "POST", "/leave/999999/proof", json={"day": str(DAY)}).status_code == 404
    closed = call(svc, "POST", "/attendance/close", json={"day": DAY.isoformat()}).json()
    assert closed["judged"][rep]["status"] == "on_leave"
    listed = call(svc, "GET", "/leave", params={"staff_id": rep}).json()["leave"]
    assert [entry["id"] for entry in listed] == [sick["id"]]
    assert call(svc, "GET", "/openapi.json").status_code == 200


def report(svc, staff_id, day, **figures):
    body = {"calls": 0, "visits": 0, "visits_unrecorded": 0, "fine_leads": 0, "rough_leads": 0, "deals": 0,
            "bookings_next_day": 0, **figures}
    response = call(svc, "PUT", f"/daily-reports/{staff_id}/{day}", json=body)
    assert response.status_code == 200, response.text


def test_a_policy_change_leaves_an_earlier_month_unchanged_and_the_champion_is_exempt(start_service):
    svc = start_service("staff_performance")
    team = new_id("team")
    champ, second = new_id("champ"), new_id("second")
    hire(svc, champ, team=team)
    hire(svc, second, rank="senior", team=team)
    report(svc, champ, date(2026, 1, 5), calls=150, bookings_next_day=1, deals=2)
    report(svc, second, date(2026, 1, 6), calls=40, bookings_next_day=2, deals=1)

    def card(staff_id, period, day):
        return call(svc, "GET", f"/staff/{staff_id}/scorecard", params={
            "period": period, "day": str(day), "now": "2026-02-20T12:00:00Z", "explain": "1"}).json()
    january = card(champ, "month", date(2026, 1, 5))
    jan_5 = next(s for s in by_name(january)["calls"]["sources"] if s["day"] == "2026-01-05")
    assert (jan_5["quota"], jan_5["value"], jan_5["policy_version"]) == (100, 150, "default")

    changed = call(svc, "POST", "/policies", json={"effective_from": "2026-02-01",
                                                   "changes": {"calls_by_bookings": [300, 150, 75]}})
    assert changed.status_code == 201, changed.text
    assert card(champ, "month", date(2026, 1, 5)) == january

    report(svc, champ, date(2026, 2, 2), calls=120, bookings_next_day=1)
    feb = by_name(card(champ, "day", date(2026, 2, 2)))
    assert (feb["calls"]["target"], feb["calls"]["colour"]) == (150, "red")
    assert "champion" in feb["fine_leads"]["sources"][0]["exempt"]
    assert (feb["fine_leads"]["target"], feb["fine_leads"]["colour"]) == (0, "green")
    assert "runner-up" in by_name(card(second, "day", date(2026, 2, 2)))["rough_leads"]["sources"][0]["exempt"]
    assert by_name(card(second, "day", date(2026, 2, 16)))["rough_leads"]["target"] == 160

    board = call(svc, "GET", "/leaderboard", params={"team": team, "day": "2026-01-31"}).json()
    assert (board["champion"], board["runner_up"]) == (champ, second)
    assert [(r["place"], r["staff_id"], r["value"]) for r in board["rows"]] == [(1, champ, 2), (2, second, 1)]
    csv_text = call(svc, "GET", "/leaderboard", params={"team": team, "day": "2026-01-31", "format": "csv"}).text
    assert csv_text.splitlines()[1] == f"{team},2026-01,deals,1,{champ},{champ},2,2"
    week = by_name(card(second, "week", date(2026, 1, 6)))
    assert (week["visits"]["target"], week["visits"]["colour"]) == (10, "red")   # senior: 10 a week
