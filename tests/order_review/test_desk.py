"""The reviewers' HTTP API on a real broker and database (issue #3 "Reviewers";
business-rules §2: a remark goes to a person who checks or corrects address, phone, goods)."""
import eventlet
import requests
import sqlalchemy as sa

from services.order_review.models import OrderHold, ReviewDecision
from tests.order_review.conftest import storefront_order

REASON = {"reason": "买家电话里确认过"}   # approving over open holds takes one


def held_order(review, **changes):
    """An order held BUYER_REMARK and BAD_PHONE."""
    event = storefront_order(buyer_remark="请改为公司地址", shipping_address={"phone": "138-1234"}, **changes)
    order_no = review.place(event)
    review.order(order_no, status="held")
    return order_no


def test_holds_are_released_one_by_one_and_the_last_sends_the_order_on(reviewing):
    review = reviewing()
    order_no = held_order(review)
    first = review.http("POST", f"/orders/{order_no}/holds/BUYER_REMARK/release")
    assert first.status_code == 200, first.text
    assert [h["code"] for h in first.json()["holds"]] == ["BAD_PHONE"]
    assert first.json()["status"] == "held"
    assert review.events("order_approved") == []
    again = review.http("POST", f"/orders/{order_no}/holds/BUYER_REMARK/release")
    assert (again.status_code, again.json()["error"]) == (409, "no_such_hold")
    last = review.http("POST", f"/orders/{order_no}/holds/BAD_PHONE/release")
    assert (last.status_code, last.json()["status"], last.json()["holds"]) == (200, "approved", [])
    [approved] = review.events("order_approved", order_no)
    assert approved["reviewer"] == "R-1" and approved["seconds_to_decision"] >= 0
    with review.service.db.read() as session:
        released = session.execute(sa.select(OrderHold.code, OrderHold.released_by)
                                   .order_by(OrderHold.code)).all()
        decision = session.scalar(sa.select(ReviewDecision).where(ReviewDecision.order_no == order_no))
    assert released == [("BAD_PHONE", "R-1"), ("BUYER_REMARK", "R-1")]
    assert (decision.outcome, decision.reviewer) == ("approved", "R-1")
    assert decision.seconds_to_decision == approved["seconds_to_decision"]


def test_a_claimed_order_answers_409_naming_the_holder(reviewing):
    review = reviewing()
    order_no = held_order(review)
    claimed = review.http("POST", f"/orders/{order_no}/claim", staff="R-1")
    assert (claimed.status_code, claimed.json()["claimed_by"]) == (200, "R-1")
    for path in ("claim", "approve", "holds/BAD_PHONE/release"):
        other = review.http("POST", f"/orders/{order_no}/{path}", staff="R-2")
        assert other.status_code == 409, path
        assert (other.json()["error"], other.json()["holder"]) == ("claimed_by_other", "R-1")
        assert "R-1" in other.json()["message"]
    assert review.open_hold_codes(order_no) == ["BAD_PHONE", "BUYER_REMARK"]
    assert review.http("DELETE", f"/orders/{order_no}/claim", staff="R-2").status_code == 409
    assert review.http("DELETE", f"/orders/{order_no}/claim", staff="R-1").status_code == 200
    assert review.http("POST", f"/orders/{order_no}/approve", staff="R-2", json=REASON).status_code == 200


def test_approve_releases_every_hold_and_emits_order_approved(reviewing):
    review = reviewing()
    order_no = held_order(review)
    answer = review.http("POST", f"/orders/{order_no}/approve", staff="R-7", role="supervisor", json=REASON)
    assert (answer.status_code, answer.json()["status"]) == (200, "approved")
    assert review.open_hold_codes(order_no) == []
    [approved] = review.events("order_approved", order_no)
    assert approved["reviewer"] == "R-7"
    twice = review.http("POST", f"/orders/{order_no}/approve", staff="R-7", json=REASON)
    assert (twice.status_code, twice.json()["error"]) == (409, "warehouse_started")
    assert len(review.events("order_approved", order_no)) == 1


def test_reject_cancels_with_a_reason_and_emits_order_rejected(reviewing):
    review = reviewing()
    order_no = held_order(review)
    no_reason = review.http("POST", f"/orders/{order_no}/reject", json={})
    assert (no_reason.status_code, list(no_reason.json()["fields"])) == (400, ["reason"])
    assert review.order(order_no).status == "held"
    answer = review.http("POST", f"/orders/{order_no}/reject", json={"reason": "买家要求取消"}, staff="R-3")
    assert (answer.status_code, answer.json()["status"]) == (200, "rejected")
    [rejected] = review.events("order_rejected", order_no)
    assert (rejected["reason"], rejected["reviewer"]) == ("买家要求取消", "R-3")
    assert rejected["seconds_to_decision"] >= 0
    assert review.open_hold_codes(order_no) == []
    assert review.events("order_approved") == []
    assert review.http("POST", f"/orders/{order_no}/approve", staff="R-3").status_code == 409


def test_corrections_are_kept_with_before_after_who_and_when(reviewing):
    review = reviewing()
    order_no = held_order(review)
    address = review.order(order_no).order["shipping_address"]
    answer = review.http("POST", f"/orders/{order_no}/corrections", staff="R-4",
                         json={"phone": "13912345678", "line1": "和平街 18 号 3 楼", "city": address["city"]})
    assert answer.status_code == 200, answer.text
    audit = {c["field"]: c for c in answer.json()["corrections"]}
    assert set(audit) == {"phone", "line1"}   # the city did not change
    assert (audit["phone"]["before"], audit["phone"]["after"], audit["phone"]["reviewer"]) == (
        "138-1234", "13912345678", "R-4")
    assert audit["line1"]["before"] == address["line1"] and audit["line1"]["corrected_at"]
    [corrected] = review.events("order_corrected", order_no)
    assert corrected["reviewer"] == "R-4"
    assert corrected["shipping_address"]["phone"] == "13912345678"
    assert sorted(c["field"] for c in corrected["changes"]) == ["line1", "phone"]
    review.http("POST", f"/orders/{order_no}/approve", staff="R-4", json=REASON)
    [approved] = review.events("order_approved", order_no)
    assert approved["shipping_address"]["line1"] == "和平街 18 号 3 楼"


def test_bad_corrections_change_nothing(reviewing):
    review = reviewing()
    order_no = held_order(review)
    unknown = review.http("POST", f"/orders/{order_no}/corrections", json={"email": "x@y"})
    assert (unknown.status_code, list(unknown.json()["fields"])) == (400, ["email"])
    empty = review.http("POST", f"/orders/{order_no}/corrections", json={})
    assert empty.status_code == 400
    same = review.http("POST", f"/orders/{order_no}/corrections", json={"phone": "138-1234"})
    assert (same.status_code, same.json()["error"]) == (422, "no_change")
    missing = review.http("POST", "/orders/SO-NOPE/corrections", json={"phone": "13912345678"})
    assert missing.status_code == 404
    assert review.events("order_corrected") == []
    assert review.http("GET", f"/orders/{order_no}").json()["corrections"] == []


def test_staff_only(reviewing):
    review = reviewing()
    order_no = held_order(review)
    assert review.http("GET", "/queue", role="picker").status_code == 403
    assert review.http("POST", f"/orders/{order_no}/approve", role="agent").status_code == 403
    assert requests.get(review.service.url("/queue"), timeout=5).status_code == 401
    assert review.open_hold_codes(order_no) == ["BAD_PHONE", "BUYER_REMARK"]


def test_out_of_stock_is_not_released_by_a_person(reviewing):
    review = reviewing()
    order_no = held_order(review)
    answer = review.http("POST", f"/orders/{order_no}/holds/OUT_OF_STOCK/release")
    assert (answer.status_code, answer.json()["error"]) == (422, "not_releasable")


def test_a_retried_decision_with_its_idempotency_key_is_answered_again_not_repeated(reviewing):
    review = reviewing()
    order_no = held_order(review)
    key = {"Idempotency-Key": f"approve-{order_no}"}
    first = review.http("POST", f"/orders/{order_no}/approve", headers_extra=key, json=REASON)
    retry = review.http("POST", f"/orders/{order_no}/approve", headers_extra=key, json=REASON)
    assert (first.status_code, retry.status_code) == (200, 200)
    assert retry.headers.get("Idempotent-Replay") == "true" and retry.json() == first.json()
    assert len(review.events("order_approved", order_no)) == 1


def test_the_queue_over_http_rejects_unknown_filters(reviewing):
    review = reviewing()
    order_no = held_order(review)
    listed = review.http("GET", "/queue", params={"code": "BUYER_REMARK", "older_than_minutes": 0}).json()
    assert [o["order_no"] for o in listed["orders"]] == [order_no]
    for params, field in (({"code": "NOPE"}, "code"), ({"limit": 0}, "limit"), ({"colour": "red"}, "colour")):
        answer = review.http("GET", "/queue", params=params)
        assert (answer.status_code, list(answer.json()["fields"])) == (400, [field])
    assert "/orders/{order_no}/holds/{code}/release" in review.http("GET", "/openapi.json").json()["paths"]


def test_reviewers_claiming_at_once_get_one_winner(reviewing):
    """Races are settled in the database (conditional UPDATE), not in Python."""
    review = reviewing()
    order_no = held_order(review)
    pool = eventlet.GreenPool()
    answers = list(pool.imap(lambda staff: review.http("POST", f"/orders/{order_no}/claim", staff=staff),
                             [f"R-{n}" for n in range(6)]))
    winners = [a.json()["claimed_by"] for a in answers if a.status_code == 200]
    assert len(winners) == 1
    assert sorted(a.status_code for a in answers) == [200] + [409] * 5
    assert {a.json()["holder"] for a in answers if a.status_code == 409} == set(winners)


def test_releasing_the_last_two_holds_at_once_approves_once(reviewing):
    review = reviewing()
    order_no = held_order(review)
    pool = eventlet.GreenPool()
    answers = list(pool.imap(lambda code: review.http("POST", f"/orders/{order_no}/holds/{code}/release"),
                             ["BUYER_REMARK", "BAD_PHONE"]))
    assert [a.status_code for a in answers] == [200, 200]
    assert review.order(order_no).status == "approved"
    assert len(review.events("order_approved", order_no)) == 1
