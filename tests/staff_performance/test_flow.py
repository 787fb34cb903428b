"""Orders per stage through the day, from the bus (issue 19: the managers' chart): each order once a stage, in
the Shanghai hour it first reached it; another day's work is not counted."""
from datetime import timedelta

import requests
import sqlalchemy as sa

from services.staff_performance.models import Fact
from shared.testing.bus import publish_event
from shared.testing.polling import wait_for
from tests.staff_performance import events as ev
from tests.staff_performance.test_scorecard_from_the_bus import DAY


def flow(svc, role="manager", **params):
    return requests.get(svc.url("/flow"), headers=svc.headers(role), params=params, timeout=10)


def test_orders_per_stage_hour_by_hour(start_service):
    svc = start_service("staff_performance")
    uri = svc.config["AMQP_URI"]
    sent = [ev.order_approved("R-1", ev.sh(DAY, 9, 59)), ev.order_approved("R-2", ev.sh(DAY, 10, 0)),
            ev.order_rejected("R-1", ev.sh(DAY, 10, 30)),
            ev.order_approved("R-1", ev.sh(DAY - timedelta(days=1), 23, 59)),           # yesterday in Shanghai
            ev.order_picked(("P-1", ev.sh(DAY, 10, 55)), ("P-2", ev.sh(DAY, 11, 5))),   # one order, two pickers
            ev.parcel_packed("K-1", ev.sh(DAY, 0, 0)), ev.order_shipped("S-1", ev.sh(DAY, 23, 59))]
    for source, event_type, payload in sent:
        publish_event(uri, source, event_type, payload)

    def facts():
        with svc.db.read() as session:
            return session.scalar(sa.select(sa.func.count(Fact.id)))
    wait_for(lambda: facts() == 12, timeout=30, message="not every fact recorded")   # reviewed + outcome: 2 each

    answer = flow(svc, day=str(DAY))
    assert answer.status_code == 200, answer.text
    stages = {s["stage"]: s for s in answer.json()["stages"]}
    assert list(stages) == ["order_reviewed", "line_picked", "parcel_packed", "parcel_handed_over"]
    hours = {stage: {h: n for h, n in enumerate(s["hours"]) if n} for stage, s in stages.items()}
    assert hours == {"order_reviewed": {9: 1, 10: 2}, "line_picked": {10: 1}, "parcel_packed": {0: 1},
                     "parcel_handed_over": {23: 1}}
    assert [s["total"] for s in stages.values()] == [3, 1, 1, 1]
    assert flow(svc, day=str(DAY - timedelta(days=1))).json()["stages"][0]["hours"][23] == 1
    assert flow(svc, role="supervisor").status_code == 200


def test_a_flow_query_outside_its_bounds_is_refused_naming_the_field(start_service):
    svc = start_service("staff_performance")
    for params, field in (({"day": "1999-12-31"}, "day"), ({"day": "2100-01-01"}, "day"), ({"day": "soon"}, "day"),
                          ({"hour": "9"}, "hour")):
        refused = flow(svc, **params)
        assert refused.status_code == 400 and field in refused.json()["fields"], (params, refused.text)
    assert flow(svc, day="2000-01-01").status_code == 200 and flow(svc, day="2099-12-31").status_code == 200
    assert flow(svc, role="agent").status_code == 403
