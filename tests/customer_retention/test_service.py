"""customer_retention on the real broker and database: the record built from the bus,
the pool over HTTP (§7), care tasks from events, RFM and cohorts over HTTP."""
from datetime import timedelta

import eventlet
import requests

from services.customer_retention import rounds
from services.customer_retention.names import business_key
from services.customer_retention.settings import Settings
from shared.testing.bus import publish_event
from shared.testing.polling import wait_for
from shared.timeutil import to_iso, utcnow
from tests.customer_retention.conftest import order_event, uid
from tests.customer_retention.test_rfm import NOW, known_purchases


def get(service, path, role="manager", staff="M1", **params):
    return requests.get(service.url(path), params=params, headers=service.headers(role, staff), timeout=10)


def post(service, path, body, role="sales", staff="R1", **headers):
    return requests.post(service.url(path), json=body, headers=service.headers(role, staff, **headers), timeout=10)


def after_the_order(order):
    """What the rest of the suite says about a delivered, partly refunded order and a refused COD one."""
    delivered, refused = order
    who = {"order_no": delivered["order_no"], "customer_id": delivered["customer"]["customer_id"]}
    return [
        ("shipping_labels", "order_shipped", {"order_no": delivered["order_no"], "carrier": "EMS",
                                              "tracking_no": "EE123456785CN", "shipper": "S1", "shipped_at": utcnow()}),
        ("shipping_labels", "parcel_delivered", {"order_no": delivered["order_no"], "tracking_no": "EE123456785CN",
                                                 "delivered_at": utcnow()}),
        ("shipping_labels", "parcel_delivery_failed", {"order_no": refused["order_no"], "tracking_no": "EE1",
                                                       "reason": "电话无人接听"}),
        ("shipping_labels", "parcel_returned_to_sender", {"order_no": refused["order_no"], "tracking_no": "EE1",
                                                          "payment_method": "cod",
                                                          "cod_amount_not_collected": "300.00"}),
        ("after_sales", "case_opened", {**who, "case_id": 5, "case_type": "return_refund", "reason": "破损",
                                        "amount": "50.00", "agent": "A1", "difficult": False}),
        ("after_sales", "return_received", {"case_id": 5, "order_no": delivered["order_no"],
                                            "lines": [{"sku": "SKU-001", "qty": 1}], "condition": "damaged",
                                            "accessories_complete": True, "received_by": "W1"}),
        ("after_sales", "refund_paid", {**who, "case_id": 5, "amount": "50.00", "paid_by": "SUP1",
                                        "paid_at": utcnow()}),
        ("after_sales", "case_closed", {"case_id": 5, "order_no": delivered["order_no"], "by": "A1",
                                        "outcome": "refunded", "message": "已退款"}),
        ("order_review", "order_held", {**who, "holds": [{"code": "BUYER_REMARK", "message": "留言"}],
                                        "held_at": utcnow()}),
    ]


def test_customer_record_built_from_the_events_on_the_bus(start_service, publish_order, rabbit_config):
    service = start_service("customer_retention")
    company = f"苏州（工业园区）{uid('X')}机电有限公司"
    refused = publish_order(event=order_event(company=company, total="300.00", method="cod"))["order"]
    delivered = publish_order(event=order_event(company=company.replace("（", " (").replace("）", ") "),
                                                total="200.00"))["order"]
    key = business_key(company)

    def record():
        return get(service, "/customers/record", customer_key=key).json()
    wait_for(lambda: record().get("totals", {}).get("orders_count") == 2)
    for source, event_type, body in after_the_order((delivered, refused)):
        publish_event(rabbit_config["AMQP_URI"], source, event_type, body)
    wait_for(lambda: len(record()["timeline"]) == 11, message="every event on the timeline")
    totals = record()["totals"]
    assert totals == {"orders_count": 2, "total_spent": "500.00", "refunded_total": "50.00", "returns_count": 1,
                      "cod_refusals": 1, "deliveries_count": 1, "failed_deliveries": 1, "cases_count": 1}
    shown = record()
    assert len(shown["names_merged"]) == 2 and len(shown["buyers"]) == 2
    assert {o["order_no"]: o["status"] for o in shown["orders"]} == {
        refused["order_no"]: "returned_to_sender", delivered["order_no"]: "delivered"}   # a late hold does not undo
    merged = get(service, "/customers/merged-names").json()["merged"]
    assert [m["customer_key"] for m in merged] == [key]
    queue = get(service, "/care-tasks", role="care", staff="CARE1", view="queue").json()["tasks"]
    assert sorted(t["kind"] for t in queue) == ["cod_refusal_call", "follow_up_visit"]


def test_claims_conflicts_and_exactly_one_winner_of_concurrent_claims(start_service):
    service = start_service("customer_retention")
    name = f"南京{uid('X')}贸易有限公司"
    pool = eventlet.GreenPool()
    answers = list(pool.imap(lambda rep: post(service, "/pool/claims", {"company_name": name}, staff=rep),
                             ["R1", "R2", "R3", "R4"]))
    assert sorted(a.status_code for a in answers) == [201, 409, 409, 409]
    winner = next(a.json() for a in answers if a.status_code == 201)
    for lost in (a.json() for a in answers if a.status_code == 409):
        assert (lost["error"], lost["holder"], lost["expires_at"]) == (
            "already_protected", winner["rep"], winner["expires_at"])
    key = winner["customer_key"]
    assert get(service, "/pool/history", customer_key=key).json()["history"][0]["rep"] == winner["rep"]
    # the same company written with full-width brackets and spaces is the same customer
    again = post(service, "/pool/claims", {"company_name": " " + name.replace("南京", "南京　")}, staff="R9")
    assert again.status_code == 409 and again.json()["holder"] == winner["rep"]


def test_renew_release_expiry_to_the_public_pool_and_cooldown_over_http(start_service, listen):
    expired_events = listen("protection_expired")
    service = start_service("customer_retention", POOL_YELLOW_DAYS=30)      # config reaches the pool view
    key = post(service, "/pool/claims", {"company_name": f"杭州{uid('X')}有限公司"}).json()["customer_key"]
    assert post(service, "/pool/renewals", {"customer_key": key}, staff="R2").status_code == 409
    renewed = post(service, "/pool/renewals", {"customer_key": key})
    assert renewed.status_code == 200
    mine = get(service, "/pool", role="sales", staff="R1").json()["pool"]
    assert [(p["customer_key"], p["days_left"], p["colour"]) for p in mine] == [(key, 30, "yellow")]
    # the timer's use case, driven 28 days ahead (a notice), then 31 (expiry)
    settings = Settings.from_config(service.config)
    assert rounds.run(service.db, settings, utcnow() + timedelta(days=28))["notices"] == 1
    notice, = get(service, "/notices", role="sales", staff="R1").json()["notices"]
    assert notice["customer_key"] == key and notice["kind"] == "protection_expiring"
    assert rounds.run(service.db, settings, utcnow() + timedelta(days=31))["expired"] == 1
    event, = wait_for(expired_events)
    assert (event["customer_key"], event["rep"]) == (key, "R1")
    assert get(service, "/pool", role="sales", staff="R1").json()["pool"] == []
    cooling = post(service, "/pool/claims", {"customer_key": key})       # R1 lost it: cooldown
    assert (cooling.status_code, cooling.json()["error"]) == (422, "reclaim_cooldown")
    assert post(service, "/pool/claims", {"customer_key": key}, staff="R2").status_code == 201
    assert post(service, "/pool/releases", {"customer_key": key}, staff="R2").status_code == 200
    history = get(service, "/pool/history", customer_key=key).json()["history"]
    assert [(h["rep"], h["ended"], h["ended_by"]) for h in history] == [("R1", "expired", "system"),
                                                                          ("R2", "released", "R2")]


def test_limits_are_data_and_a_manager_reassigns_many_with_a_reason(start_service):
    service = start_service("customer_retention")
    put = requests.put(service.url("/pool/limits"), json={"name": "max_customers_per_rep", "value": 2},
                       headers=service.headers("manager", "M1"), timeout=10)
    assert put.status_code == 200
    keys = [post(service, "/pool/claims", {"company_name": f"上海{uid('X')}有限公司"}).json()["customer_key"]
            for _ in range(2)]
    full = post(service, "/pool/claims", {"company_name": f"上海{uid('X')}有限公司"})
    assert (full.status_code, full.json()["error"], full.json()["limit"]) == (422, "pool_full", 2)
    assert post(service, "/pool/reassignments", {"customer_keys": keys, "to_rep": "R2", "reason": "x"}).status_code \
        == 403                                                            # a rep may not reassign
    moved = post(service, "/pool/reassignments", {"customer_keys": keys, "to_rep": "R2", "reason": "两周未跟进"},
                 role="manager", staff="M1")
    assert moved.status_code == 200 and [p["rep"] for p in moved.json()["reassigned"]] == ["R2", "R2"]
    assert post(service, "/pool/claims", {"company_name": f"上海{uid('X')}有限公司"}).status_code == 201
    history = get(service, "/pool/history", customer_key=keys[0]).json()["history"]
    assert [(h["rep"], h["ended"], h["ended_by"], h["note"]) for h in history] == [
        ("R1", "reassigned", "M1", "两周未跟进"), ("R2", None, None, "两周未跟进")]
    bad = post(service, "/pool/reassignments", {"customer_keys": [], "to_rep": "R2", "reason": "x", "extra": 1},
               role="manager")
    assert bad.status_code == 400 and set(bad.json()["fields"]) == {"customer_keys", "reason", "extra"}


def test_a_rep_reads_only_their_own_follow_up_notes_and_a_manager_reads_all(start_service):
    service = start_service("customer_retention")
    key = post(service, "/pool/claims", {"company_name": f"苏州{uid('X')}有限公司"}, staff="R1").json()["customer_key"]
    assert post(service, "/follow-ups", {"customer_key": key, "kind": "call", "notes": "报价 9 折"},
                staff="R1").status_code == 201
    post(service, "/pool/reassignments", {"customer_keys": [key], "to_rep": "R2", "reason": "R1 调岗"},
         role="manager", staff="M1")
    assert post(service, "/follow-ups", {"customer_key": key, "kind": "visit", "notes": "上门演示"},
                staff="R2").status_code == 201

    def notes(role, staff, **params):
        answer = get(service, "/follow-ups", role=role, staff=staff, customer_key=key, **params)
        assert answer.status_code == 200, answer.text
        return sorted((f["rep"], f["notes"]) for f in answer.json()["follow_ups"])

    assert notes("sales", "R2") == [("R2", "上门演示")]
    assert notes("sales", "R2", rep="R2") == [("R2", "上门演示")]
    assert notes("sales", "R1") == [("R1", "报价 9 折")]   # their own, though they no longer hold it
    denied = get(service, "/follow-ups", role="sales", staff="R2", customer_key=key, rep="R1")
    assert (denied.status_code, denied.json()["error"], denied.json()["rep"]) == (403, "not_your_follow_ups", "R1")
    assert "R1" in denied.json()["message"]
    everyone = [("R1", "报价 9 折"), ("R2", "上门演示")]
    assert notes("manager", "M1") == notes("care", "CARE-1") == everyone
    assert notes("manager", "M1", rep="R1") == [("R1", "报价 9 折")]


def test_negative_review_task_completed_over_http_goes_out_as_an_event(start_service, publish_order,
                                                                        rabbit_config, listen):
    completions = listen("care_task_completed")
    service = start_service("customer_retention")
    order = publish_order(event=order_event())["order"]
    publish_event(rabbit_config["AMQP_URI"], "storefront", "review_posted", {
        "review_id": uid("RV"), "order_no": order["order_no"], "customer_id": order["customer"]["customer_id"],
        "rating": 1, "text": "差评: 发错货", "posted_at": utcnow()})
    task, = wait_for(lambda: get(service, "/care-tasks", role="care", staff="CARE1", view="queue").json()["tasks"])
    assert task["kind"] == "negative_review" and task["colour"] == "green"
    path = f"/care-tasks/{task['id']}/completion"
    assert post(service, path, {"outcome": "maybe"}, role="care").status_code == 400
    done = post(service, path, {"outcome": "resolved", "notes": "已补发"}, role="care", staff="CARE1",
                **{"Idempotency-Key": uid("k")})
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert post(service, path, {"outcome": "resolved"}, role="care", staff="CARE1").status_code == 409
    event, = wait_for(completions)
    assert (event["task_id"], event["kind"], event["staff_id"], event["outcome"], event["on_time"]) == (
        task["id"], "negative_review", "CARE1", "resolved", True)


def test_rfm_repeat_purchase_and_cohorts_over_http_on_a_known_data_set(start_service, publish_order, rabbit_config):
    service = start_service("customer_retention")
    buyers = {key: uid("C") for key in "ABCDE"}
    for purchase in known_purchases():
        total = "1500.00" if purchase.net == 1400 else f"{purchase.net:.2f}"
        order = publish_order(event=order_event(customer_id=buyers[purchase.customer_key], total=total,
                                                placed_at=purchase.placed_at))["order"]
        if total == "1500.00":
            refunded = order
    wait_for(lambda: get(service, "/analytics/repeat-purchase").json()["customers"] == 5)
    publish_event(rabbit_config["AMQP_URI"], "after_sales", "refund_paid", {
        "case_id": 1, "order_no": refunded["order_no"], "customer_id": refunded["customer"]["customer_id"],
        "amount": "100.00", "paid_by": "SUP1", "paid_at": utcnow()})

    def scored():
        rows = get(service, "/customers", as_of=to_iso(NOW)).json()["customers"]
        return {row["customer_key"]: (row["rfm"], row["segment"], row["net_spend"]) for row in rows}
    wait_for(lambda: scored()["id:" + buyers["A"]][2] == "1700.00")
    assert scored() == {"id:" + buyers["A"]: ("534", "promising", "1700.00"),
                        "id:" + buyers["B"]: ("511", "new", "50.00"),
                        "id:" + buyers["C"]: ("245", "at_risk", "4000.00"),
                        "id:" + buyers["D"]: ("555", "champions", "3600.00"),
                        "id:" + buyers["E"]: ("111", "lost", "80.00")}
    assert get(service, "/analytics/repeat-purchase").json()["repeat_purchase_rate"] == "0.6000"
    cohorts = {c["cohort"]: c for c in get(service, "/analytics/cohorts").json()["cohorts"]}
    assert [p["retention"] for p in cohorts["2026-01"]["periods"]] == [
        "1.0000", "1.0000", "0.5000", "0.0000", "0.0000", "0.5000"]
    csv = get(service, "/analytics/cohorts", format="csv")
    assert csv.headers["Content-Type"].startswith("text/csv")
    assert "2026-01,2,2,1,0.5000" in csv.text.splitlines()
    assert get(service, "/analytics/cohorts", role="sales").status_code == 403
    assert "/pool/claims" in requests.get(service.url("/openapi.json"), timeout=10).json()["paths"]


def test_stock_refund_and_win_back_triggers_over_the_bus_and_the_rounds_timer(start_service, publish_order,
                                                                                rabbit_config):
    from nameko.timer import Timer

    service = start_service("customer_retention")
    assert any(isinstance(e, Timer) and e.method_name == "make_rounds" for e in service.container.entrypoints)
    uri, buyer = rabbit_config["AMQP_URI"], uid("C")
    first = publish_order(event=order_event(customer_id=buyer, total="2500.00",
                                            placed_at=utcnow() - timedelta(days=40)))["order"]
    publish_order(event=order_event(customer_id=buyer, total="80.00"))
    who = {"order_no": first["order_no"], "customer_id": buyer}
    wait_for(lambda: get(service, "/analytics/repeat-purchase").json()["repeat_customers"] == 1)
    publish_event(uri, "picking_packing", "order_out_of_stock",
                  {**who, "short": [{"sku": "SKU-004", "needed": 2, "available": 0}]})
    publish_event(uri, "order_review", "customer_notification_requested",
                  {**who, "reason": "out_of_stock", "message": "陶瓷茶具套装缺货"})
    publish_event(uri, "after_sales", "refund_paid",
                  {**who, "case_id": 9, "amount": "268.00", "paid_by": "SUP1", "paid_at": utcnow()})

    def queue():
        return sorted(t["kind"] for t in get(service, "/care-tasks", role="care", view="queue").json()["tasks"])
    wait_for(lambda: queue() == ["notify_customer", "retention_call"])
    rounds.run(service.db, Settings(), utcnow() + timedelta(days=Settings().win_back_days))
    assert queue() == ["notify_customer", "retention_call", "win_back"]
