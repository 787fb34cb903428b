"""Issue #16 item 10: review decides only before the warehouse starts, on a real broker and database.

Review hears the warehouse through order_out_of_stock (the order waits for goods: OUT_OF_STOCK hold)
and stock_reserved (the goods are on the shelf for it: pickers may start). A held order, or an
approved one waiting for goods, is still review's to approve, reject or correct; once the goods are
reserved (or the order went straight on), every decision is 409 `warehouse_started`: after-sales.
A correction is taken until the hand-over (issue #19 item 4: tests/order_review/test_corrections.py).
A changed re-publication of an order review has decided is a dead letter; of a held order, a hold.
"""
import uuid

import pytest
import sqlalchemy as sa

from services.order_review.models import Correction, OrderHold, ReviewDecision, ReviewOrder
from shared.messaging.dead_letters import list_dead_letters
from shared.testing.polling import wait_for
from tests.order_review.conftest import reviewing, storefront_order  # noqa: F401  (reviewing: a fixture)

DECISIONS = {   # endpoint -> body
    "approve": {"reason": "买家电话确认"},
    "reject": {"reason": "买家要求取消"},
    "holds/BUYER_REMARK/release": None,
}
CORRECTION = {"corrections": {"phone": "13900001111"}}   # taken until the hand-over, not only the warehouse's start


def changed_quantity(event):
    """The same order_no again, another event_id, one more of the first line."""
    order = event["order"]
    first = order["lines"][0]
    return {**event, "event_id": str(uuid.uuid4()),
            "order": {**order, "lines": [{**first, "qty": first["qty"] + 1}, *order["lines"][1:]]}}


def stored(review, order_no):
    """Everything review keeps about the order, and the events it wrote for it."""
    outbox = review.service.base.metadata.tables["outbox"]
    with review.service.db.read() as session:
        record = session.get(ReviewOrder, order_no)
        return {
            "order": (record.status, record.order, record.decided_at, record.claimed_by, record.claim_expires_at),
            "holds": session.execute(sa.select(OrderHold.code, OrderHold.released_at, OrderHold.released_by)
                                     .where(OrderHold.order_no == order_no).order_by(OrderHold.id)).all(),
            "decisions": session.scalars(sa.select(ReviewDecision.outcome)
                                         .where(ReviewDecision.order_no == order_no)).all(),
            "corrections": session.scalars(sa.select(Correction.field)
                                           .where(Correction.order_no == order_no)).all(),
            "events": session.scalars(sa.select(outbox.c.event_type).where(outbox.c.aggregate_id == order_no)
                                      .order_by(outbox.c.id)).all(),
        }


def dead_letters(review):
    return list_dead_letters(review.amqp_uri, "order_review")


def placed(review, status, **changes):
    event = storefront_order(**changes)
    review.order(review.place(event), status=status)
    return event


def waiting_for_goods(review, order_no, consumed=1):
    review.publish("picking_packing", "order_out_of_stock", {
        "order_no": order_no, "customer_id": "C-1", "short": [{"sku": "SKU-001", "needed": 2, "available": 0}]})
    review.wait_consumed("on_order_out_of_stock", consumed)
    assert review.open_hold_codes(order_no) == ["OUT_OF_STOCK"]


def goods_reserved(review, order_no):
    review.publish("picking_packing", "stock_reserved", {
        "order_no": order_no, "lines": [{"sku": "SKU-001", "qty": 2}], "was_waiting": True})
    wait_for(lambda: review.open_hold_codes(order_no) == [], message="OUT_OF_STOCK never lifted")


def refused_as_after_sales(review, order_no, path, body):
    answer = review.http("POST", f"/orders/{order_no}/{path}", json=body)
    assert (answer.status_code, answer.json()["error"]) == (409, "warehouse_started"), (path, answer.text)
    assert "after-sales" in answer.json()["message"]


def test_issue_scenario_a_changed_repeat_of_an_order_gone_on_is_a_dead_letter_and_reject_is_409(reviewing):
    """The order went straight to the warehouse; the storefront publishes it again with another quantity."""
    review = reviewing()
    event = placed(review, "approved")
    order_no = event["order"]["order_no"]
    before = stored(review, order_no)
    repeat = changed_quantity(event)
    review.place(repeat)
    [letter] = wait_for(lambda: dead_letters(review))
    assert letter.event_id == repeat["event_id"]
    assert order_no in letter.reason and "lines" in letter.reason and "after-sales" in letter.reason
    assert stored(review, order_no) == before   # no CONFLICTING_ORDER hold, nothing published
    refused_as_after_sales(review, order_no, "reject", {"reason": "数量不对"})
    assert stored(review, order_no) == before


@pytest.mark.parametrize("state", ["approved", "waiting for goods", "rejected"])
def test_a_changed_repeat_of_an_order_review_has_decided_is_a_dead_letter(reviewing, state):
    review = reviewing()
    event = placed(review, "held" if state == "rejected" else "approved", **(
        {"buyer_remark": "请周末送货"} if state == "rejected" else {}))
    order_no = event["order"]["order_no"]
    if state == "waiting for goods":
        waiting_for_goods(review, order_no)
    if state == "rejected":
        assert review.http("POST", f"/orders/{order_no}/reject", json={"reason": "买家取消"}).status_code == 200
    before = stored(review, order_no)
    repeat = changed_quantity(event)
    review.place(repeat)
    [letter] = wait_for(lambda: dead_letters(review))
    assert letter.event_id == repeat["event_id"] and "already" in letter.reason
    assert stored(review, order_no) == before


def test_a_changed_repeat_of_a_held_order_is_held_for_the_reviewer_not_dead_lettered(reviewing):
    """The other side: the order is still review's, so the reviewer sorts it out (CONFLICTING_ORDER)."""
    review = reviewing()
    event = placed(review, "held", buyer_remark="请周末送货")
    order_no = event["order"]["order_no"]
    review.place(changed_quantity(event))
    review.wait_consumed("on_order_placed", 2)
    assert review.open_hold_codes(order_no) == ["BUYER_REMARK", "CONFLICTING_ORDER"]
    assert dead_letters(review) == []


def test_an_exact_repeat_of_an_order_gone_on_stays_harmless(reviewing):
    review = reviewing()
    event = placed(review, "approved")
    order_no = event["order"]["order_no"]
    before = stored(review, order_no)
    review.place({**event, "event_id": str(uuid.uuid4())})
    review.wait_consumed("on_order_placed", 2)
    assert stored(review, order_no) == before
    assert dead_letters(review) == []


def test_review_decides_while_the_warehouse_waits_for_goods_and_not_once_they_are_reserved(reviewing):
    review = reviewing()
    order_no = placed(review, "approved")["order"]["order_no"]
    waiting_for_goods(review, order_no)
    corrected = review.http("POST", f"/orders/{order_no}/corrections", json={"phone": "13900002222"})
    assert corrected.status_code == 200, corrected.text   # the warehouse has not started: still review's
    goods_reserved(review, order_no)
    before = stored(review, order_no)
    for path, body in DECISIONS.items():
        refused_as_after_sales(review, order_no, path, body)
    assert stored(review, order_no) == before   # no decision, no claim, no event

    other = placed(review, "approved")["order"]["order_no"]   # the reject side of the same boundary
    waiting_for_goods(review, other, consumed=2)
    rejected = review.http("POST", f"/orders/{other}/reject", json={"reason": "顾客不愿等待到货"})
    assert (rejected.status_code, rejected.json()["status"]) == (200, "rejected")


def test_an_order_that_went_straight_on_takes_no_review_decision(reviewing):
    """Approved on arrival: the warehouse may be picking it already."""
    review = reviewing()
    order_no = placed(review, "approved")["order"]["order_no"]
    before = stored(review, order_no)
    for path, body in DECISIONS.items():
        refused_as_after_sales(review, order_no, path, body)
    assert stored(review, order_no) == before


def test_a_held_order_takes_every_decision(reviewing):
    """The other side of the boundary, decision by decision (each on its own held order)."""
    review = reviewing()
    for path, body in {**DECISIONS, **CORRECTION}.items():
        order_no = placed(review, "held", buyer_remark="请改为公司地址")["order"]["order_no"]
        answer = review.http("POST", f"/orders/{order_no}/{path}", json=body)
        assert answer.status_code == 200, (path, answer.text)
