"""A scorecard built from events the other services publish on the real broker (issue 7, Done when):
late events land on the day they happened, duplicates count once, unknown staff are kept and flagged."""
import uuid
from datetime import date, timedelta

import requests
import sqlalchemy as sa

from services.staff_performance.models import Fact
from shared.testing.bus import publish_event
from shared.testing.polling import wait_for
from tests.staff_performance import events as ev

DAY = date(2026, 3, 16)


def figures(card):
    return {f["name"]: f for f in card["figures"]}


def put_staff(svc, staff_id, role, team="ops"):
    response = requests.put(svc.url(f"/staff/{staff_id}"), headers=svc.headers("manager"),
                            json={"name": staff_id.title(), "role": role, "rank": "regular", "team": team})
    assert response.status_code == 200, response.text


def scorecard(svc, staff_id, day, **params):
    response = requests.get(svc.url(f"/staff/{staff_id}/scorecard"), headers=svc.headers("manager"),
                            params={"day": day.isoformat(), "now": f"{day + timedelta(days=1)}T12:00:00Z", **params})
    assert response.status_code == 200, response.text
    return response


def test_a_scorecard_from_other_services_events(start_service):
    svc = start_service("staff_performance", max_workers=1)   # one worker: a queue is handled in order
    uri = svc.config["AMQP_URI"]
    amy, pete, ghost = (f"{name}-{uuid.uuid4().hex[:6]}" for name in ("amy", "pete", "ghost"))
    put_staff(svc, amy, "reviewer")
    put_staff(svc, pete, "packer")

    approved = ev.order_approved(amy, ev.sh(DAY, 10, 0), seconds=100.0)
    first = publish_event(uri, *approved)
    for source, event_type, payload in [
        ev.order_rejected(amy, ev.sh(DAY, 11, 0), seconds=300.0),
        ev.order_approved(amy, ev.sh(DAY - timedelta(days=1), 23, 50)),   # late: yesterday in Shanghai
        ev.case_answered(amy, ev.sh(DAY, 15, 0), within_sla=True),
        ev.case_answered(amy, ev.sh(DAY, 16, 0), within_sla=False),
        ev.sla_breached(amy, ev.sh(DAY, 16, 0)), ev.refund_paid(amy, ev.sh(DAY, 17, 0)),
        ev.follow_up_logged(amy, ev.sh(DAY, 9, 0)), ev.protection_expired(amy, ev.sh(DAY, 0, 1)),
        ev.care_task_completed(amy, ev.sh(DAY, 10, 30)),
        ev.order_picked((pete, ev.sh(DAY, 9, 0)), (pete, ev.sh(DAY, 9, 5))),
        ev.parcel_packed(pete, ev.sh(DAY, 9, 10)), ev.parcel_weight_mismatch(pete, ev.sh(DAY, 9, 12)),
        ev.order_shipped(pete, ev.sh(DAY, 16, 0)), ev.label_reprinted(pete, ev.sh(DAY, 9, 20)),
        ev.order_picked((ghost, ev.sh(DAY, 9, 0))),
    ]:
        publish_event(uri, source, event_type, payload)
    # the same event again (a redelivery), then one more on the same queue to know it was handled
    publish_event(uri, *approved, event_id=first["event_id"])
    publish_event(uri, *ev.order_approved(amy, ev.sh(DAY, 12, 0), seconds=200.0))

    def fact_count():
        with svc.db.read() as session:
            return session.scalar(sa.select(sa.func.count(Fact.id)))
    wait_for(lambda: fact_count() == 23, timeout=30)

    card = scorecard(svc, amy, DAY, explain="1").json()
    got = figures(card)
    assert {k: got[k]["value"] for k in ("order_reviewed", "order_approved", "order_rejected", "case_answered",
                                         "case_answered_in_sla", "refund_paid", "follow_up", "protection_lapsed",
                                         "care_task_completed")} == {
        "order_reviewed": 3, "order_approved": 2, "order_rejected": 1, "case_answered": 2,
        "case_answered_in_sla": 1, "refund_paid": 1, "follow_up": 1, "protection_lapsed": 1,
        "care_task_completed": 1}
    assert got["seconds_to_decision_avg"]["value"] == 200.0
    assert (got["sla_breached"]["value"], got["sla_breached"]["colour"]) == (1, "red")
    assert (got["sla_rate"]["value"], got["sla_rate"]["colour"]) == ("0.50", "red")
    traced = [s["event_id"] for s in got["order_approved"]["sources"]]
    assert traced.count(first["event_id"]) == 1 and len(traced) == 2

    yesterday = figures(scorecard(svc, amy, DAY - timedelta(days=1)).json())
    assert yesterday["order_reviewed"]["value"] == 1
    assert "sources" not in yesterday["order_reviewed"]   # explanations only when asked

    warehouse = figures(scorecard(svc, pete, DAY).json())
    assert {k: warehouse[k]["value"] for k in ("line_picked", "parcel_packed", "weight_mismatch",
                                               "parcel_handed_over", "label_reprinted")} == {
        "line_picked": 2, "parcel_packed": 1, "weight_mismatch": 1, "parcel_handed_over": 1, "label_reprinted": 1}
    assert warehouse["weight_mismatch"]["colour"] == "red"

    csv_text = scorecard(svc, pete, DAY, format="csv").text
    assert csv_text.splitlines()[0] == "staff_id,period,from,to,name,value,target,colour,note"
    assert f"{pete},day,{DAY},{DAY},line_picked,2,,," in csv_text

    unknown = requests.get(svc.url("/staff"), headers=svc.headers("manager"), params={"unregistered": "true"}).json()
    assert [s["staff_id"] for s in unknown["staff"]] == [ghost]
    flags = requests.get(svc.url("/flags"), headers=svc.headers("manager"), params={"staff_id": ghost}).json()
    assert [f["flag"] for f in flags["flags"]] == ["unknown_staff"]
    assert figures(scorecard(svc, ghost, DAY).json())["line_picked"]["value"] == 1   # kept, not dropped
