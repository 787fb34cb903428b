"""Care tasks from events (客户关怀: 000 art. 9, 001 客户关怀部; negative reviews §5) and the
customer record they build, on the real database without a broker. Time is passed in."""
from datetime import timedelta
from decimal import Decimal

import pytest

from services.customer_retention import care, pool, reactions, rounds
from services.customer_retention.analytics import customer_record
from services.customer_retention.customers import OrderNotKnownYet
from shared.errors import Conflict, PermissionDenied
from tests.customer_retention.conftest import T0, loaded, order_event, outbox, uid


def place(db, settings, **kwargs):
    event = order_event(**kwargs)
    with db.unit_of_work() as uow:
        reactions.order_placed(uow, settings, loaded("storefront", "order_placed", event))
    return event["order"]


def react(db, settings, source, event_type, body, reaction=None):
    with db.unit_of_work() as uow:
        (reaction or getattr(reactions, event_type))(uow, settings, loaded(source, event_type, body))


def tasks(db, settings, now=T0, **kwargs):
    with db.read() as session:
        return care.task_list(session, settings, now, **kwargs)


def test_parcel_delivered_opens_a_follow_up_visit_n_days_later_for_the_owner(db, settings):
    order = place(db, settings, company="苏州（工业园区）恒通机电有限公司")
    with db.unit_of_work() as uow:
        pool.claim(uow, settings, "R1", "co:苏州工业园区恒通机电有限公司", T0)
    delivered = T0 + timedelta(days=2)
    react(db, settings, "shipping_labels", "parcel_delivered",
          {"order_no": order["order_no"], "tracking_no": "EE123456785CN", "delivered_at": delivered.isoformat()})
    task, = tasks(db, settings, assignee="R1")
    assert (task["kind"], task["order_no"], task["due_at"]) == (
        "follow_up_visit", order["order_no"], "2026-03-07T09:00:00Z")   # delivered + 3 days


def test_a_task_for_a_customer_nobody_holds_goes_to_the_care_queue(db, settings):
    order = place(db, settings)
    react(db, settings, "shipping_labels", "parcel_delivered",
          {"order_no": order["order_no"], "tracking_no": "EE123456785CN", "delivered_at": T0.isoformat()})
    assert [t["assignee"] for t in tasks(db, settings, queue=True)] == [None]


@pytest.mark.parametrize("rating, opens", [(1, True), (2, True), (3, False), (5, False)])
def test_section5_a_review_of_2_or_less_opens_a_contact_task_within_the_sla(db, settings, rating, opens):
    order = place(db, settings)
    react(db, settings, "storefront", "review_posted", {
        "review_id": uid("RV"), "order_no": order["order_no"], "customer_id": order["customer"]["customer_id"],
        "rating": rating, "text": "包装破了", "posted_at": T0.isoformat()})
    found = tasks(db, settings, queue=True)
    assert bool(found) == opens
    if opens:
        assert (found[0]["kind"], found[0]["due_at"]) == ("negative_review", "2026-03-03T09:00:00Z")


def test_a_cod_parcel_returned_to_sender_means_a_call_and_counts_as_a_refusal(db, settings):
    cod, prepaid = place(db, settings, method="cod"), place(db, settings)
    for order, method in ((cod, "cod"), (prepaid, "prepaid")):
        react(db, settings, "shipping_labels", "parcel_returned_to_sender", {
            "order_no": order["order_no"], "tracking_no": "EE123456785CN", "payment_method": method,
            "cod_amount_not_collected": "100.00" if method == "cod" else "0.00"})
    assert [(t["kind"], t["order_no"]) for t in tasks(db, settings, queue=True)] == [
        ("cod_refusal_call", cod["order_no"])]
    with db.read() as session:
        record = customer_record(session, "id:" + cod["customer"]["customer_id"], T0)
    assert record["totals"]["cod_refusals"] == 1 and record["orders"][0]["status"] == "returned_to_sender"


def test_out_of_stock_from_picking_and_order_review_make_one_tell_the_customer_task(db, settings):
    order = place(db, settings)
    who = {"order_no": order["order_no"], "customer_id": order["customer"]["customer_id"]}
    react(db, settings, "picking_packing", "order_out_of_stock",
          {**who, "short": [{"sku": "SKU-001", "needed": 1, "available": 0}]}, reactions.stock_notice)
    react(db, settings, "order_review", "customer_notification_requested",
          {**who, "reason": "out_of_stock", "message": "保温杯缺货"}, reactions.stock_notice)
    task, = tasks(db, settings, queue=True)
    assert task["kind"] == "notify_customer" and "SKU-001" in task["summary"]
    assert task["summary_params"]["skus"] == "SKU-001"   # what the console words the task from (#19)


def test_order_reviews_notice_names_the_goods_short_for_the_console_to_word(db, settings):
    order = place(db, settings)
    react(db, settings, "order_review", "customer_notification_requested",
          {"order_no": order["order_no"], "customer_id": order["customer"]["customer_id"], "reason": "out_of_stock",
           "message": "保温杯缺货", "skus": ["SKU-001", "SKU-002"]}, reactions.stock_notice)
    task, = tasks(db, settings, queue=True)
    assert task["summary_params"]["skus"] == "SKU-001, SKU-002" and task["summary_params"]["message"] == "保温杯缺货"


@pytest.mark.parametrize("spent, opens", [("2500.00", True), ("300.00", False)])
def test_a_refund_to_a_high_value_customer_opens_a_retention_call(db, settings, spent, opens):
    order = place(db, settings, total=spent)
    react(db, settings, "after_sales", "refund_paid", {
        "case_id": 7, "order_no": order["order_no"], "customer_id": order["customer"]["customer_id"],
        "amount": "100.00", "paid_by": "SUP1", "paid_at": T0.isoformat()})
    assert [t["kind"] for t in tasks(db, settings, queue=True)] == (["retention_call"] if opens else [])
    with db.read() as session:
        record = customer_record(session, "id:" + order["customer"]["customer_id"], T0)
    assert record["totals"]["refunded_total"] == "100.00"
    assert record["rfm"]["net_spend"] == str(Decimal(spent) - 100)


def test_win_back_for_two_or_more_orders_and_none_for_n_days_once_per_lapse(db, settings):
    buyer, single = uid("C"), uid("C")
    place(db, settings, customer_id=buyer, placed_at=T0)
    place(db, settings, customer_id=buyer, placed_at=T0 + timedelta(days=10))
    place(db, settings, customer_id=single, placed_at=T0)
    lapse = T0 + timedelta(days=10 + settings.win_back_days)
    assert rounds.run(db, settings, lapse - timedelta(minutes=1))["win_backs"] == 0
    rounds.run(db, settings, lapse)
    rounds.run(db, settings, lapse + timedelta(days=1))
    assert [(t["kind"], t["customer_key"]) for t in tasks(db, settings, queue=True)] == [
        ("win_back", "id:" + buyer)]


def test_tasks_are_completed_with_an_outcome_overdue_is_red_completion_is_an_event(db, settings):
    order = place(db, settings)
    react(db, settings, "shipping_labels", "parcel_delivered",
          {"order_no": order["order_no"], "tracking_no": "EE123456785CN", "delivered_at": T0.isoformat()})
    task, = tasks(db, settings, now=T0 + timedelta(days=3, minutes=1), queue=True)
    assert (task["colour"], task["overdue"]) == ("red", True)
    assert tasks(db, settings, now=T0 + timedelta(days=2, hours=22), queue=True)[0]["colour"] == "yellow"
    assert tasks(db, settings, now=T0, queue=True)[0]["colour"] == "green"
    with pytest.raises(PermissionDenied), db.unit_of_work() as uow:
        care.complete(uow, task["id"], "R9", "sales", "reached", "", T0)    # not the rep's task
    done_at = T0 + timedelta(days=4)
    with db.unit_of_work() as uow:
        care.complete(uow, task["id"], "CARE1", "care", "reached", "客户满意", done_at)
    with pytest.raises(Conflict), db.unit_of_work() as uow:
        care.complete(uow, task["id"], "CARE1", "care", "reached", "", done_at)
    event, = outbox(db, "care_task_completed")
    assert (event["task_id"], event["kind"], event["staff_id"], event["outcome"], event["on_time"]) == (
        task["id"], "follow_up_visit", "CARE1", "reached", False)
    assert tasks(db, settings, status="done")[0]["outcome"] == "reached"


def test_an_event_for_an_order_not_placed_here_yet_is_retried(db, settings):
    with pytest.raises(OrderNotKnownYet):
        react(db, settings, "shipping_labels", "order_shipped", {
            "order_no": uid("SO"), "carrier": "EMS", "tracking_no": "EE123456785CN", "shipper": "S1",
            "shipped_at": T0.isoformat()})


def test_the_record_merges_spellings_of_one_company_and_keeps_others_apart(db, settings):
    a = place(db, settings, company="广州（天河）星光文具有限公司", total="100.00")
    b = place(db, settings, company="广州(天河) 星光文具有限公司", total="50.00", placed_at=T0 + timedelta(days=1))
    place(db, settings, company="广州(越秀)星光文具有限公司")
    with db.read() as session:
        record = customer_record(session, "co:广州天河星光文具有限公司", T0 + timedelta(days=2))
    assert sorted(record["names_merged"]) == sorted(["广州（天河）星光文具有限公司", "广州(天河) 星光文具有限公司"])
    assert {buyer["customer_id"] for buyer in record["buyers"]} == {
        a["customer"]["customer_id"], b["customer"]["customer_id"]}
    assert record["totals"]["orders_count"] == 2 and record["totals"]["total_spent"] == "150.00"
    assert record["rfm"]["orders"] == 2


def test_open_tasks_follow_the_customer_into_and_out_of_a_reps_pool(db, settings):
    order = place(db, settings)
    key = "id:" + order["customer"]["customer_id"]
    react(db, settings, "shipping_labels", "parcel_delivered",
          {"order_no": order["order_no"], "tracking_no": "EE123456785CN", "delivered_at": T0.isoformat()})
    assert len(tasks(db, settings, queue=True)) == 1
    with db.unit_of_work() as uow:
        pool.claim(uow, settings, "R1", key, T0)
    assert [t["kind"] for t in tasks(db, settings, assignee="R1")] == ["follow_up_visit"]
    with db.unit_of_work() as uow:
        pool.release(uow, "R1", key, T0)
    assert tasks(db, settings, assignee="R1") == [] and len(tasks(db, settings, queue=True)) == 1


def test_a_task_says_whom_to_call_and_what_about_as_parameters(db, settings):
    """Issue #19: the care page shows the customer's name and phone, and words the summary in the reader's
    language from its kind and parameters (no English sentence)."""
    private = place(db, settings, name="李雷")
    business = place(db, settings, company="苏州恒通机电有限公司", name="王芳")
    react(db, settings, "storefront", "review_posted", {
        "review_id": uid("RV"), "order_no": private["order_no"], "customer_id": private["customer"]["customer_id"],
        "rating": 1, "text": "包装破了", "posted_at": T0.isoformat()})
    react(db, settings, "shipping_labels", "parcel_delivered", {
        "order_no": business["order_no"], "tracking_no": "EE123456785CN", "delivered_at": T0.isoformat()})
    found = {t["kind"]: t for t in tasks(db, settings, queue=True)}
    review, visit = found["negative_review"], found["follow_up_visit"]
    assert (review["customer_name"], review["customer_phone"], review["company"]) == (
        "李雷", private["customer"]["phone"], None)
    assert review["summary_params"] == {"rating": 1, "text": "包装破了", "order_no": private["order_no"]}
    assert (visit["customer_name"], visit["customer_phone"], visit["company"]) == (
        "王芳", business["customer"]["phone"], "苏州恒通机电有限公司")
    assert visit["summary_params"] == {"order_no": business["order_no"]}
    with db.unit_of_work() as uow:
        done = care.complete(uow, review["id"], "C1", "care", "resolved", "", T0)
        assert care.task_view(done, settings, T0, care.contacts(uow.session, [done])[done.id])["customer_name"] == "李雷"
