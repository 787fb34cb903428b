"""Issue #19, people's decisions checked like the machine's, on a real broker and database:
a correction re-runs the review rules (item 1), approving over holds takes a reason kept with who and
when (item 2), corrections end at the hand-over and the delivery (item 4)."""
from datetime import timedelta

import sqlalchemy as sa

from services.order_review.models import Correction, OrderHold, ReviewDecision
from shared.timeutil import to_iso, utcnow
from tests.order_review.conftest import storefront_order


def held(review, **changes):
    order_no = review.place(storefront_order(**changes))
    review.order(order_no, status="held")
    return order_no


def incomplete(review, **changes):
    """Held INCOMPLETE_ADDRESS only: district and street missing (the issue's order)."""
    return held(review, shipping_address={"district": "", "line1": ""}, **changes)


def hold_params(review, order_no, code):
    [hold] = [h for h in review.http("GET", f"/orders/{order_no}").json()["holds"] if h["code"] == code]
    return hold["params"]


def correct(review, order_no, staff="R-1", **values):
    return review.http("POST", f"/orders/{order_no}/corrections", staff=staff, json=values)


def released(review, order_no):
    with review.service.db.read() as session:
        return session.execute(sa.select(OrderHold.code, OrderHold.released_by, OrderHold.released_how)
                               .where(OrderHold.order_no == order_no, OrderHold.released_at.is_not(None))
                               .order_by(OrderHold.id)).all()


# -- item 1: a correction re-runs the rules ---------------------------------------------------------

def test_filling_in_the_address_clears_its_hold_and_the_order_goes_on(reviewing):
    review = reviewing()
    order_no = incomplete(review)
    assert hold_params(review, order_no, "INCOMPLETE_ADDRESS") == {"missing": ["district", "line1"],
                                                                     "implausible": []}
    answer = correct(review, order_no, staff="R-4", district="浦东新区", line1="世纪大道 100 号")
    assert answer.status_code == 200, answer.text
    assert (answer.json()["status"], answer.json()["holds"]) == ("approved", [])
    assert released(review, order_no) == [("INCOMPLETE_ADDRESS", "R-4", "correction")]
    [approved] = review.events("order_approved", order_no)
    assert approved["reviewer"] == "R-4" and approved["shipping_address"]["line1"] == "世纪大道 100 号"
    history = [entry["event"] for entry in answer.json()["history"]]
    assert history == ["received", "hold_placed", "corrected", "corrected", "hold_released", "approved"]


def test_a_partial_fix_keeps_the_hold_saying_what_is_still_missing(reviewing):
    review = reviewing()
    order_no = incomplete(review)
    answer = correct(review, order_no, district="浦东新区")
    assert (answer.status_code, answer.json()["status"]) == (200, "held")
    assert hold_params(review, order_no, "INCOMPLETE_ADDRESS") == {"missing": ["line1"], "implausible": []}
    [hold] = answer.json()["holds"]
    assert "district" not in hold["message"] and "line1 missing" in hold["message"]
    assert released(review, order_no) == [] and review.events("order_approved", order_no) == []


def test_a_phone_corrected_to_nonsense_is_held_and_the_order_waits_for_it(reviewing):
    """The issue's '123': saved, but now BAD_PHONE holds the order; releasing the remark does not send it."""
    review = reviewing()
    order_no = held(review, buyer_remark="请改电话")
    answer = correct(review, order_no, phone="123")
    assert answer.status_code == 200, answer.text
    assert [h["code"] for h in answer.json()["holds"]] == ["BUYER_REMARK", "BAD_PHONE"]
    assert hold_params(review, order_no, "BAD_PHONE") == {"phone": "123"}
    assert [h["code"] for h in review.events("order_held", order_no)[-1]["holds"]] == ["BUYER_REMARK", "BAD_PHONE"]
    remark = review.http("POST", f"/orders/{order_no}/holds/BUYER_REMARK/release")
    assert (remark.status_code, remark.json()["status"]) == (200, "held")
    assert review.events("order_approved", order_no) == []
    fixed = correct(review, order_no, phone="13912345678")
    assert (fixed.status_code, fixed.json()["status"], fixed.json()["holds"]) == (200, "approved", [])


def test_a_good_phone_raises_nothing_and_a_remark_is_not_cleared_by_a_correction(reviewing):
    """The other side: the remark's cause is the buyer's words, which no correction removes."""
    review = reviewing()
    order_no = held(review, buyer_remark="请改电话")
    answer = correct(review, order_no, phone="13900001111")
    assert (answer.status_code, [h["code"] for h in answer.json()["holds"]]) == (200, ["BUYER_REMARK"])
    assert len(review.events("order_held", order_no)) == 1


def test_an_order_with_the_warehouse_cannot_be_corrected_into_a_hold(reviewing):
    """Approved and waiting for goods: a correction that would hold it is refused, naming the field."""
    review = reviewing()
    order_no = review.place(storefront_order())
    review.order(order_no, status="approved")
    phone = review.order(order_no).order["shipping_address"]["phone"]
    answer = correct(review, order_no, phone="123")
    assert (answer.status_code, answer.json()["error"], list(answer.json()["fields"])) == (
        422, "correction_fails_review", ["phone"])
    assert answer.json()["holds"] == [{"code": "BAD_PHONE", "params": {"phone": "123"}}]
    assert review.order(order_no).order["shipping_address"]["phone"] == phone
    assert review.events("order_corrected", order_no) == []


# -- item 2: approving over holds takes a reason ------------------------------------------------------

def test_approving_over_holds_without_a_reason_is_refused_naming_the_field(reviewing):
    review = reviewing()
    order_no = held(review, buyer_remark="请周末送货")
    for body in (None, {}):
        answer = review.http("POST", f"/orders/{order_no}/approve", json=body)
        assert (answer.status_code, answer.json()["error"], list(answer.json()["fields"])) == (
            422, "reason_required", ["reason"])
        assert answer.json()["holds"] == ["BUYER_REMARK"]
    empty = review.http("POST", f"/orders/{order_no}/approve", json={"reason": ""})
    assert (empty.status_code, list(empty.json()["fields"])) == (400, ["reason"])
    assert review.order(order_no).status == "held" and review.open_hold_codes(order_no) == ["BUYER_REMARK"]
    assert review.events("order_approved", order_no) == []


def test_the_reason_is_kept_with_who_and_when_in_the_history(reviewing):
    review = reviewing()
    order_no = held(review, buyer_remark="请周末送货")
    before = utcnow()
    answer = review.http("POST", f"/orders/{order_no}/approve", staff="R-6", json={"reason": "已电话确认周末可收"})
    assert (answer.status_code, answer.json()["status"]) == (200, "approved")
    with review.service.db.read() as session:
        decision = session.scalar(sa.select(ReviewDecision).where(ReviewDecision.order_no == order_no))
    assert (decision.reviewer, decision.reason) == ("R-6", "已电话确认周末可收") and decision.decided_at >= before
    assert released(review, order_no) == [("BUYER_REMARK", "R-6", "approval")]
    *_, release, approval = review.http("GET", f"/orders/{order_no}").json()["history"]
    assert release == {"event": "hold_released", "code": "BUYER_REMARK", "by": "R-6", "how": "approval",
                       "at": to_iso(decision.decided_at)}
    assert approval == {"event": "approved", "by": "R-6", "reason": "已电话确认周末可收", "at": to_iso(decision.decided_at)}


def test_releasing_holds_one_by_one_needs_no_reason(reviewing):
    """The other side: each release is its own decision on one hold; the last one sends the order on."""
    review = reviewing()
    order_no = held(review, buyer_remark="请周末送货")
    answer = review.http("POST", f"/orders/{order_no}/holds/BUYER_REMARK/release")
    assert (answer.status_code, answer.json()["status"]) == (200, "approved")
    assert answer.json()["history"][-1] == {"event": "approved", "by": "R-1", "reason": None,
                                            "at": answer.json()["decided_at"]}


# -- item 4: corrections end at the hand-over ---------------------------------------------------------

def gone_on(review):
    """Approved on arrival and its goods reserved: the warehouse is working on it."""
    order_no = review.place(storefront_order())
    review.order(order_no, status="approved")
    return order_no


def shipping_says(review, event_type, order_no, count, **payload):
    review.publish("shipping_labels", event_type, {"order_no": order_no, "tracking_no": "EE123456785CN", **payload})
    review.wait_consumed(f"on_{event_type}", count)


def corrections_of(review, order_no):
    with review.service.db.read() as session:
        return session.scalars(sa.select(Correction.field).where(Correction.order_no == order_no)).all()


def test_before_the_hand_over_a_correction_is_taken_and_shipping_told(reviewing):
    review = reviewing()
    order_no = gone_on(review)
    answer = correct(review, order_no, line1="世纪大道 200 号")
    assert (answer.status_code, answer.json()["status"]) == (200, "approved"), answer.text
    [corrected] = review.events("order_corrected", order_no)   # shipping re-routes the label on it
    assert corrected["shipping_address"]["line1"] == "世纪大道 200 号"
    assert len(review.events("order_approved", order_no)) == 1


def test_after_the_hand_over_a_correction_is_refused_with_the_reason(reviewing):
    review = reviewing()
    order_no = gone_on(review)
    shipped_at = utcnow()
    shipping_says(review, "order_shipped", order_no, 1, carrier="EMS", shipper="S-1", shipped_at=shipped_at)
    answer = correct(review, order_no, line1="世纪大道 200 号")
    assert (answer.status_code, answer.json()["error"], answer.json()["handed_over_at"]) == (
        409, "already_handed_over", to_iso(shipped_at))
    assert "after-sales" in answer.json()["message"]
    assert corrections_of(review, order_no) == [] and review.events("order_corrected", order_no) == []
    detail = review.http("GET", f"/orders/{order_no}").json()
    assert (detail["handed_over_at"], detail["history"][-1]["event"]) == (to_iso(shipped_at), "handed_over")


def test_after_the_delivery_a_correction_is_refused_with_the_reason(reviewing):
    review = reviewing()
    order_no = gone_on(review)
    shipping_says(review, "order_shipped", order_no, 1, carrier="EMS", shipper="S-1", shipped_at=utcnow())
    delivered_at = utcnow() + timedelta(hours=20)
    shipping_says(review, "parcel_delivered", order_no, 1, delivered_at=delivered_at)
    answer = correct(review, order_no, recipient="王小明")
    assert (answer.status_code, answer.json()["error"], answer.json()["delivered_at"]) == (
        409, "already_delivered", to_iso(delivered_at))
    assert corrections_of(review, order_no) == []
    assert review.http("GET", f"/orders/{order_no}").json()["history"][-1]["event"] == "delivered"
