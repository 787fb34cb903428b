"""What the warehouse and the couriers tell order review, on a real broker and database:
out of stock (business-rules §2: 缺货订单,通知顾客) and refused COD parcels (000 art. 6)."""
import pytest

from services.order_review import warehouse_news
from shared.errors import PermanentFailure
from shared.timeutil import utcnow
from tests.order_review.conftest import arrive, cod_order, storefront_order


def approved_order(review, event=None):
    order_no = review.place(event or storefront_order())
    review.order(order_no, status="approved")
    return order_no


def short(review, order_no, customer_id="C-1"):
    review.publish("picking_packing", "order_out_of_stock", {
        "order_no": order_no, "customer_id": customer_id,
        "short": [{"sku": "SKU-001", "needed": 2, "available": 0}]})


def test_out_of_stock_holds_the_order_and_asks_to_tell_the_customer(reviewing):
    review = reviewing()
    order_no = approved_order(review)
    short(review, order_no)
    review.wait_consumed("on_order_out_of_stock", 1)
    assert review.open_hold_codes(order_no) == ["OUT_OF_STOCK"]
    [held] = review.events("order_held", order_no)
    assert held["holds"][0]["code"] == "OUT_OF_STOCK" and "SKU-001" in held["holds"][0]["message"]
    [notice] = review.events("customer_notification_requested", order_no)
    assert (notice["reason"], notice["customer_id"]) == ("out_of_stock", review.order(order_no).customer_id)
    assert "SKU-001" in notice["message"] and notice["skus"] == ["SKU-001"]   # the console words it from the SKUs
    queue = review.http("GET", "/queue", params={"code": "OUT_OF_STOCK"}).json()["orders"]
    assert [(o["order_no"], o["status"]) for o in queue] == [(order_no, "approved")]

    review.publish("picking_packing", "stock_reserved", {
        "order_no": order_no, "lines": [{"sku": "SKU-001", "qty": 2}], "was_waiting": True})
    review.wait_consumed("on_stock_reserved", 1)
    assert review.open_hold_codes(order_no) == []
    assert len(review.events("order_approved", order_no)) == 1   # the warehouse has it already


def test_a_reviewer_may_reject_an_out_of_stock_order(reviewing):
    """The customer may not want to wait: the reviewer cancels, the warehouse drops the pick list."""
    review = reviewing()
    order_no = approved_order(review)
    short(review, order_no)
    review.wait_consumed("on_order_out_of_stock", 1)
    answer = review.http("POST", f"/orders/{order_no}/reject", json={"reason": "顾客不愿等待到货"})
    assert (answer.status_code, answer.json()["status"]) == (200, "rejected")
    [rejected] = review.events("order_rejected", order_no)
    assert rejected["reason"] == "顾客不愿等待到货"


def test_a_customer_who_refused_a_cod_parcel_is_a_cod_risk(reviewing):
    """COD_RISK: the COD centre sees ~30% of COD parcels come back (000 art. 6); a refusal
    history holds the customer's next COD order. A prepaid return does not count."""
    review = reviewing()
    refused = cod_order()
    customer = refused["order"]["customer"]
    approved_order(review, refused)
    review.publish("shipping_labels", "parcel_returned_to_sender", {
        "order_no": refused["order"]["order_no"], "tracking_no": "EE123456785CN", "payment_method": "cod",
        "cod_amount_not_collected": refused["order"]["total"]})
    review.wait_consumed("on_parcel_returned_to_sender", 1)
    next_cod = review.place(cod_order(customer=customer, lines=[{**refused["order"]["lines"][0], "qty": 9}]))
    review.order(next_cod, status="held")
    assert review.open_hold_codes(next_cod) == ["COD_RISK"]
    assert "refused 1" in review.events("order_held", next_cod)[0]["holds"][0]["message"]
    prepaid = storefront_order(customer=customer, lines=[{**refused["order"]["lines"][0], "qty": 5}])
    approved_order(review, prepaid)   # prepaid: nothing to refuse


def test_a_prepaid_return_is_no_cod_refusal(reviewing):
    review = reviewing()
    prepaid = storefront_order()
    approved_order(review, prepaid)
    review.publish("shipping_labels", "parcel_returned_to_sender", {
        "order_no": prepaid["order"]["order_no"], "tracking_no": "EE123456785CN", "payment_method": "prepaid",
        "cod_amount_not_collected": "0.00"})
    review.wait_consumed("on_parcel_returned_to_sender", 1)
    approved_order(review, cod_order(customer=prepaid["order"]["customer"],
                                     lines=[{**prepaid["order"]["lines"][0], "qty": 5}]))


def test_news_of_an_order_never_reviewed_is_a_dead_letter(review_db):
    """Every order the warehouse handles passed review here: anything else must be looked at."""
    arrive(review_db, storefront_order(), utcnow())
    with pytest.raises(PermanentFailure), review_db.unit_of_work() as uow:
        warehouse_news.goods_short(uow, {"order_no": "SO-NEVER", "customer_id": "C-1",
                                         "short": [{"sku": "SKU-001", "needed": 1, "available": 0}]}, utcnow())


def test_goods_reserved_without_waiting_still_lift_an_out_of_stock_hold(reviewing):
    """The handler only looks first when the warehouse says the order never waited; a hold there
    anyway is still lifted, in a unit of work that claims the event."""
    review = reviewing()
    order_no = approved_order(review)
    short(review, order_no)
    review.wait_consumed("on_order_out_of_stock", 1)
    review.publish("picking_packing", "stock_reserved", {
        "order_no": order_no, "lines": [{"sku": "SKU-001", "qty": 2}], "was_waiting": False})
    review.wait_consumed("on_stock_reserved", 1)
    assert review.open_hold_codes(order_no) == []


def test_only_an_open_out_of_stock_hold_is_something_to_lift(review_db):
    now = utcnow()
    order_no = arrive(review_db, storefront_order(), now)
    other = arrive(review_db, storefront_order(buyer_remark="请周末送货"), now)   # held, not for stock

    def hold_open(number):
        with review_db.read() as session:
            return warehouse_news.out_of_stock_hold_open(session, number)

    assert (hold_open(order_no), hold_open(other), hold_open("SO-NEVER")) == (False, False, False)
    with review_db.unit_of_work() as uow:
        warehouse_news.goods_short(uow, {"order_no": order_no, "customer_id": "C-1",
                                         "short": [{"sku": "SKU-001", "needed": 2, "available": 0}]}, now)
    assert hold_open(order_no)
    with review_db.unit_of_work() as uow:
        warehouse_news.goods_reserved(uow, {"order_no": order_no, "lines": [{"sku": "SKU-001", "qty": 2}]}, now)
    assert not hold_open(order_no)
