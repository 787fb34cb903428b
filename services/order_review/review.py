"""Use cases of order review, on a unit of work (no nameko here)."""
from services.order_review.models import ReviewOrder
from shared.timeutil import utcnow


def receive_order(uow, order):
    """Walking skeleton: record the order and approve it (the review rules are issue #3)."""
    now = utcnow()
    record = ReviewOrder(order_no=order["order_no"], customer_id=order["customer"]["customer_id"],
                         status="approved", total=order["total"], placed_at=order["placed_at"],
                         received_at=now, decided_at=now, order=_jsonable(order))
    uow.session.add(record)
    uow.publish("order_approved", approved_event(order, reviewer="auto", approved_at=now, received_at=now),
                aggregate_id=order["order_no"])
    return record


def approved_event(order, reviewer, approved_at, received_at):
    payment = order["payment"]
    cod = order["total"] if payment["method"] == "cod" else 0
    return {
        "order_no": order["order_no"], "customer_id": order["customer"]["customer_id"],
        "placed_at": order["placed_at"], "approved_at": approved_at, "reviewer": reviewer,
        "lines": order["lines"], "shipping_address": order["shipping_address"],
        "payment_method": payment["method"], "cod_amount": cod, "total": order["total"],
        "seconds_to_decision": (approved_at - received_at).total_seconds(),
        "replacement_of": order.get("replacement_of"),
    }


def _jsonable(order):
    from contracts.storefront import Order
    return Order().dump(order)
