"""Split an order waiting for stock (拆单, issue #23): what is in stock ships now, the rest follows as the backorder
`<order_no>-B<n>`, approved (with `split_from`) only once picking took the goods change. On a real broker and
database; picking's answers are published as picking sends them."""
import json
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from contracts import schema_for
from services.order_review import split
from services.order_review.models import SPLIT_DONE, SPLIT_PENDING, GoodsChange, OrderSplit, ReviewOrder
from shared.db.engine import normalize_url
from shared.migrations import upgrade
from shared.timeutil import utcnow
from shared.testing.polling import wait_for
from tests.order_review.conftest import CHEAP_GOODS, cod_order, storefront_order

LINES = [dict(line) for line in CHEAP_GOODS]   # SKU-001 × 2 at 59.00, SKU-006 × 1 at 19.90


# -- the rule, pure ------------------------------------------------------------------------------------
def qtys(lines):
    return [(line["sku"], line["qty"]) for line in lines]


@pytest.mark.parametrize("available, now, later", [
    (0, [("SKU-006", 1)], [("SKU-001", 2)]),                    # none of the short SKU: it all follows
    (1, [("SKU-001", 1), ("SKU-006", 1)], [("SKU-001", 1)]),    # one of two: one now, one later
    (2, [("SKU-001", 2), ("SKU-006", 1)], []),                  # all there after all: nothing follows
    (5, [("SKU-001", 2), ("SKU-006", 1)], []),                  # more than needed counts as needed
])
def test_what_is_in_stock_ships_now_the_rest_follows(available, now, later):
    kept, back = split.parcels(LINES, [{"sku": "SKU-001", "needed": 2, "available": available}])
    assert (qtys(kept), qtys(back)) == (now, later)


def test_a_sku_on_two_lines_shares_what_is_available():
    lines = [{**LINES[0], "qty": 1}, {**LINES[0], "qty": 2}]
    kept, back = split.parcels(lines, [{"sku": "SKU-001", "needed": 3, "available": 2}])
    assert (qtys(kept), qtys(back)) == ([("SKU-001", 1), ("SKU-001", 1)], [("SKU-001", 1)])


def test_the_money_moves_with_the_goods():
    order = {"total": "147.90", "payment": {"method": "prepaid", "paid_amount": "147.90"}}
    less = split.moved(order, [{**LINES[0], "qty": 1}], -1)
    assert (less["total"], less["payment"]["paid_amount"]) == ("88.90", "88.90")
    assert split.moved(less, [{**LINES[0], "qty": 1}], 1)["total"] == "147.90"


# -- on the broker and database ---------------------------------------------------------------------------
def waiting(review, event=None, available=1):
    order_no = review.place(event or storefront_order(lines=[dict(line) for line in LINES]))
    review.order(order_no, status="approved")
    review.publish("picking_packing", "order_out_of_stock", {
        "order_no": order_no, "customer_id": review.order(order_no).customer_id,
        "short": [{"sku": "SKU-001", "needed": 2, "available": available}]})
    wait_for(lambda: review.open_hold_codes(order_no) == ["OUT_OF_STOCK"], message="no OUT_OF_STOCK hold")
    return order_no


def taken(review, order_no, change_id, count):
    review.publish("picking_packing", "order_goods_change_taken",
                   {"order_no": order_no, "change_id": change_id, "status": "ready"})
    review.wait_consumed("on_order_goods_change_taken", count)


def test_a_reviewer_splits_a_waiting_order_and_the_backorder_is_approved_once_picking_took_the_change(reviewing):
    review = reviewing()
    order_no = waiting(review)
    total = Decimal(review.http("GET", f"/orders/{order_no}").json()["order"]["total"])
    answer = review.http("POST", f"/orders/{order_no}/split", staff="R-2")
    assert answer.status_code == 200, answer.text
    detail = answer.json()
    assert qtys(detail["order"]["lines"]) == [("SKU-001", 1), ("SKU-006", 1)]
    assert Decimal(detail["order"]["total"]) == total - Decimal("59.00")
    assert Decimal(detail["order"]["payment"]["paid_amount"]) == total - Decimal("59.00")
    [pending] = detail["splits"]
    assert (pending["backorder_no"], pending["status"], pending["by"]) == (f"{order_no}-B1", "pending", "R-2")
    [changed] = review.events("order_goods_changed", order_no)
    assert qtys(changed["lines"]) == [("SKU-001", 1), ("SKU-006", 1)]
    again = review.http("POST", f"/orders/{order_no}/split", staff="R-2")
    assert (again.status_code, again.json()["error"]) == (409, "split_pending")
    assert review.events("order_approved", f"{order_no}-B1") == []   # not before picking took the change
    assert review.events("order_split") == []

    taken(review, order_no, changed["change_id"], 1)
    [split] = review.events("order_split", order_no)   # for those who keep their own copy of orders
    assert (split["backorder_no"], split["goods_amount"], qtys(split["lines"])) == (
        f"{order_no}-B1", "59.00", [("SKU-001", 1)])
    [backorder] = review.events("order_approved", f"{order_no}-B1")
    assert backorder["split_from"] == order_no and qtys(backorder["lines"]) == [("SKU-001", 1)]
    assert (backorder["total"], backorder["payment_method"], backorder["reviewer"]) == ("59.00", "prepaid", "R-2")
    [parent] = review.events("order_approved", order_no)
    assert parent.get("split_from") is None and backorder["approved_at"] == parent["approved_at"]   # keeps its turn
    shown = review.http("GET", f"/orders/{order_no}-B1").json()
    assert (shown["status"], shown["split_from"]) == ("approved", order_no)
    assert review.http("GET", f"/orders/{order_no}").json()["splits"][0]["status"] == "done"
    taken(review, order_no, changed["change_id"], 2)   # the same news again: no second backorder
    assert len(review.events("order_approved", f"{order_no}-B1")) == 1
    assert len(review.events("order_split")) == 1
    taken(review, order_no, changed["change_id"] + 1000, 3)   # a change that was no split's: nothing
    assert len(review.events("order_approved")) == 2


def test_a_split_picking_refused_leaves_the_order_whole(reviewing):
    review = reviewing()
    order_no = waiting(review)
    before = review.http("GET", f"/orders/{order_no}").json()["order"]
    assert review.http("POST", f"/orders/{order_no}/split").status_code == 200
    [changed] = review.events("order_goods_changed", order_no)
    review.publish("picking_packing", "order_goods_change_refused", {
        "order_no": order_no, "change_id": changed["change_id"], "reason": "picking_started", "status": "picking"})
    review.wait_consumed("on_order_goods_change_refused", 1)
    detail = review.http("GET", f"/orders/{order_no}").json()
    assert (detail["order"]["lines"], detail["order"]["total"]) == (before["lines"], before["total"])
    assert detail["order"]["payment"] == before["payment"] and detail["splits"][0]["status"] == "refused"
    taken(review, order_no, changed["change_id"], 1)
    assert review.events("order_approved", f"{order_no}-B1") == []
    assert review.events("order_split") == []


def test_what_may_not_be_split_is_refused_with_its_reason(reviewing):
    review = reviewing()
    held = review.place(storefront_order(buyer_remark="请周末送货"))
    review.order(held, status="held")
    refused = review.http("POST", f"/orders/{held}/split")
    assert (refused.status_code, refused.json()["error"]) == (409, "not_waiting")
    started = review.place(storefront_order())
    review.order(started, status="approved")
    refused = review.http("POST", f"/orders/{started}/split")
    assert (refused.status_code, refused.json()["error"]) == (409, "warehouse_started")
    cod = waiting(review, cod_order(lines=[dict(line) for line in LINES]))
    refused = review.http("POST", f"/orders/{cod}/split")
    assert (refused.status_code, refused.json()["error"]) == (409, "split_cod")
    single = review.place(storefront_order(lines=[dict(LINES[0])]))   # SKU-001 only, none of it in stock
    review.order(single, status="approved")
    review.publish("picking_packing", "order_out_of_stock", {
        "order_no": single, "customer_id": review.order(single).customer_id,
        "short": [{"sku": "SKU-001", "needed": 2, "available": 0}]})
    wait_for(lambda: review.open_hold_codes(single) == ["OUT_OF_STOCK"], message="no OUT_OF_STOCK hold")
    refused = review.http("POST", f"/orders/{single}/split")
    assert (refused.status_code, refused.json()["error"]) == (409, "nothing_in_stock")
    long_no = waiting(review, storefront_order(order_no="SO-" + "9" * 59, lines=[dict(line) for line in LINES]))
    refused = review.http("POST", f"/orders/{long_no}/split")   # 62 characters + "-B1": one too many
    assert (refused.status_code, refused.json()["error"]) == (409, "backorder_no_too_long")
    fits = waiting(review, storefront_order(order_no="SO-" + "8" * 58, lines=[dict(line) for line in LINES]))
    assert review.http("POST", f"/orders/{fits}/split").status_code == 200   # 61 + "-B1": exactly 64
    assert review.http("POST", "/orders/SO-NOPE/split").status_code == 404
    assert [e["order_no"] for e in review.events("order_goods_changed")] == [fits]


def test_split_waiting_orders_splits_at_once(reviewing):
    review = reviewing(SPLIT_WAITING_ORDERS="true")
    order_no = waiting(review)
    [changed] = wait_for(lambda: review.events("order_goods_changed", order_no), message="not split")
    assert changed["reviewer"] == "auto" and qtys(changed["lines"]) == [("SKU-001", 1), ("SKU-006", 1)]
    taken(review, order_no, changed["change_id"], 1)
    [backorder] = review.events("order_approved", f"{order_no}-B1")
    assert backorder["reviewer"] == "auto" and backorder["split_from"] == order_no
    nothing = waiting(review, available=0)   # nothing of SKU-001, but SKU-006 is there: split too
    wait_for(lambda: review.events("order_goods_changed", nothing), message="not split")


def test_a_later_short_report_is_what_the_next_split_follows(reviewing):
    """The order still waits after its goods changed (stock went meanwhile): picking's new report replaces the
    hold's figures, so a second split takes what is in stock now, as backorder -B2."""
    review = reviewing()
    order_no = waiting(review)
    assert review.http("POST", f"/orders/{order_no}/split").status_code == 200
    [changed] = review.events("order_goods_changed", order_no)
    taken(review, order_no, changed["change_id"], 1)
    review.publish("picking_packing", "order_out_of_stock", {   # SKU-006 went meanwhile; SKU-001 × 1 is there
        "order_no": order_no, "customer_id": review.order(order_no).customer_id,
        "short": [{"sku": "SKU-006", "needed": 1, "available": 0}]})
    review.wait_consumed("on_order_out_of_stock", 2)
    hold = review.http("GET", f"/orders/{order_no}").json()["holds"][0]
    assert hold["params"]["short"] == [{"sku": "SKU-006", "needed": 1, "available": 0}]
    answer = review.http("POST", f"/orders/{order_no}/split")
    assert answer.status_code == 200, answer.text
    assert qtys(answer.json()["order"]["lines"]) == [("SKU-001", 1)]
    assert [s["backorder_no"] for s in answer.json()["splits"]] == [f"{order_no}-B1", f"{order_no}-B2"]
    assert qtys(answer.json()["splits"][1]["lines"]) == [("SKU-006", 1)]


def test_the_upgrade_announces_splits_made_before_order_split_existed(test_databases):
    url = test_databases.empty_url("or_splits_announced")
    upgrade("order_review", url, revision="0728c70a9ec1")   # the release before order_split
    engine = sa.create_engine(normalize_url(url))
    now = utcnow()
    cup = {"sku": "SKU-001", "name": "保温杯", "qty": 2, "unit_price": "59.00", "unit_weight_g": 420}
    with Session(engine) as session, session.begin():
        for order_no, status in (("SO-DONE", SPLIT_DONE), ("SO-PENDING", SPLIT_PENDING)):
            session.add(ReviewOrder(order_no=order_no, customer_id="C-7", status="approved", total=Decimal("10"),
                                    placed_at=now, received_at=now, order={}, goods_key="k", content_hash="h"))
            session.flush()   # no relationship tells the ORM the order comes first
            change = GoodsChange(order_no=order_no, before=[], after=[], reviewer="R-1", changed_at=now)
            session.add(change)
            session.flush()
            session.add(OrderSplit(order_no=order_no, backorder_no=f"{order_no}-B1", change_id=change.id, lines=[cup],
                                   by="R-1", requested_at=now, status=status,
                                   settled_at=now if status == SPLIT_DONE else None))
    upgrade("order_review", url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT event_type, aggregate_id, payload, published_at FROM outbox")).all()
    engine.dispose()
    [(event_type, aggregate_id, payload, published_at)] = rows   # the done split only, to be relayed
    assert (event_type, aggregate_id, published_at) == ("order_split", "SO-DONE", None)
    announced = schema_for("order_review", "order_split").load(json.loads(payload))   # as its consumers load it
    assert (announced["backorder_no"], announced["customer_id"], announced["goods_amount"]) == (
        "SO-DONE-B1", "C-7", Decimal("118.00"))
    assert announced["lines"][0]["qty"] == 2 and announced["split_at"] == now
