"""What each consumed event does to the customer record and the care tasks (no nameko here).
Every function runs inside the consumer's unit of work."""
from services.customer_retention import care, customers
from shared.timeutil import utcnow


def order_placed(uow, settings, event):
    customers.record_order(uow, event["order"])


def order_split(uow, settings, event):
    customers.record_split(uow, event)


def review_posted(uow, settings, event):
    detail = {"rating": event["rating"], "review_id": event["review_id"]}
    key = customers.note_customer_event(uow, "review_posted", event["customer_id"], event["order_no"],
                                        event["posted_at"], detail)
    care.after_review(uow, settings, key, event, utcnow())


def order_held(uow, settings, event):
    customers.note_order_event(uow, "order_held", event["order_no"], event["held_at"],
                               {"holds": [hold["code"] for hold in event["holds"]]}, status="held")


def stock_notice(uow, settings, event):
    """order_out_of_stock (picking) or customer_notification_requested (order review): tell the customer."""
    skus = event.get("skus") or [line["sku"] for line in event.get("short", ())]
    message = event.get("message") or "out of stock: " + ", ".join(skus)
    key = customers.note_customer_event(uow, "stock_notice", event["customer_id"], event["order_no"],
                                        event["occurred_at"], {"message": message})
    care.tell_customer(uow, settings, key, event["customer_id"], event["order_no"], message, skus, utcnow())


def order_shipped(uow, settings, event):
    customers.note_order_event(uow, "order_shipped", event["order_no"], event["shipped_at"],
                               {"carrier": event["carrier"], "tracking_no": event["tracking_no"]}, status="shipped")


def parcel_delivered(uow, settings, event):
    order = customers.note_order_event(uow, "parcel_delivered", event["order_no"], event["delivered_at"],
                                       {"tracking_no": event["tracking_no"]}, status="delivered", deliveries_count=1)
    care.after_delivery(uow, settings, order, event["delivered_at"], utcnow())


def parcel_delivery_failed(uow, settings, event):
    order = customers.note_order_event(uow, "parcel_delivery_failed", event["order_no"], event["occurred_at"],
                                       {"reason": event["reason"]}, failed_deliveries=1)
    care.after_failed_delivery(uow, settings, order, event, utcnow())


def parcel_returned_to_sender(uow, settings, event):
    refused_cod = {"cod_refusals": 1} if event["payment_method"] == "cod" else {}
    order = customers.note_order_event(
        uow, "parcel_returned_to_sender", event["order_no"], event["occurred_at"],
        {"payment_method": event["payment_method"], "cod_amount_not_collected": str(event["cod_amount_not_collected"])},
        status="returned_to_sender", **refused_cod)
    care.after_return_to_sender(uow, settings, order, event, utcnow())


def case_opened(uow, settings, event):
    order = customers.note_order_event(uow, "case_opened", event["order_no"], event["occurred_at"],
                                       {"case_id": event["case_id"], "case_type": event["case_type"],
                                        "reason": event["reason"]}, cases_count=1)
    if event["reason"] == "not_received":   # about the purchase: a backorder's case is its order's
        customers.dispute_delivery(uow, order.order_no)
        care.cancel_follow_up_visit(uow, order.order_no, event["case_id"])


def return_received(uow, settings, event):
    customers.note_order_event(uow, "return_received", event["order_no"], event["occurred_at"],
                               {"case_id": event["case_id"], "condition": event["condition"]}, returns_count=1)


def refund_paid(uow, settings, event):
    order = customers.note_order_event(uow, "refund_paid", event["order_no"], event["paid_at"],
                                       {"case_id": event["case_id"], "amount": str(event["amount"])},
                                       refunded=event["amount"], refunded_total=event["amount"])
    if order.status != "delivered":   # refunded for a parcel not (yet) delivered
        customers.dispute_delivery(uow, order.order_no)
    care.after_refund(uow, settings, order, event, utcnow())


def case_closed(uow, settings, event):
    customers.note_order_event(uow, "case_closed", event["order_no"], event["occurred_at"],
                               {"case_id": event["case_id"], "outcome": event["outcome"]})
