"""Every person's scorecard at once, for the managers' chart at a glance (issue 19): the registered, active
staff of a team (or all), one period, figures without their sources; notes as codes with parameters."""
from tests.staff_performance.test_department_records import DAY, by_name, call, hire, new_id


def test_every_registered_persons_scorecard_for_one_period(start_service):
    svc = start_service("staff_performance")
    team = new_id("team")
    amy, bob, other = new_id("amy"), new_id("bob"), new_id("other")
    hire(svc, amy, team=team)
    hire(svc, bob, rank="probation", team=team)
    hire(svc, other, team=new_id("elsewhere"))
    fined = call(svc, "POST", "/fines", headers={"Idempotency-Key": new_id("k")}, json={
        "staff_id": amy, "rule": "unexecuted_order", "day": str(DAY), "reason": "订单未执行"})
    assert fined.status_code == 201, fined.text

    answer = call(svc, "GET", "/scorecards", params={"team": team, "day": str(DAY), "period": "week"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["period"], body["from"], body["to"]) == ("week", str(DAY), "2026-03-22")
    assert [card["staff_id"] for card in body["cards"]] == sorted([amy, bob])
    amy_card = by_name(body["cards"][0])
    assert (amy_card["fines_outstanding"]["colour"], amy_card["fines_outstanding"]["note"]) == ("red", "at_most")
    assert all("sources" not in f for card in body["cards"] for f in card["figures"])
    visits = by_name(body["cards"][1])["visits"]
    assert (visits["note"], visits["note_params"]) == ("weekly_quota_shared", {"rank": "probation"})

    everyone = call(svc, "GET", "/scorecards", params={"day": str(DAY)}, role="supervisor").json()["cards"]
    assert {amy, bob, other} <= {card["staff_id"] for card in everyone}


def test_a_scorecards_query_outside_its_bounds_is_refused_naming_the_field(start_service):
    svc = start_service("staff_performance")
    for params, field in (({"period": "year"}, "period"), ({"day": "1999-12-31"}, "day"), ({"team": ""}, "team"),
                          ({"colour": "red"}, "colour")):
        refused = call(svc, "GET", "/scorecards", params=params)
        assert refused.status_code == 400 and field in refused.json()["fields"], (params, refused.text)
    assert call(svc, "GET", "/scorecards", params={"day": "2000-01-01", "period": "month"}).status_code == 200
    assert call(svc, "GET", "/scorecards", role="agent").status_code == 403
