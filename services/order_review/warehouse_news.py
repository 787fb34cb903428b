"""What the warehouse and the couriers tell order review: goods short, goods reserved after
all, parcels handed over and delivered (corrections end there), COD parcels refused
(business-rules §2: 缺货订单,通知顾客; ~30% of COD parcels return)."""
from services.order_review import events, review, rules, storage
from services.order_review.models import BY_WAREHOUSE, REJECTED, CodRefusal
from shared.errors import PermanentFailure

WAREHOUSE = "warehouse"   # who releases an OUT_OF_STOCK hold


def goods_short(uow, event, now):
    """Picking & packing cannot reserve the goods: hold OUT_OF_STOCK and have the customer told."""
    record = _known_order(uow.session, event["order_no"])
    if record.status == REJECTED:
        return
    if review.place_holds(uow, record, [rules.out_of_stock_hold(event["short"])], now):
        uow.publish("customer_notification_requested", events.out_of_stock_notice(record, event["short"]),
                    aggregate_id=record.order_no)


def out_of_stock_hold_open(session, order_no):
    """Whether the order has an OUT_OF_STOCK hold to lift (a read: most orders never waited)."""
    return storage.has_open_hold(session, order_no, rules.OUT_OF_STOCK)


def goods_reserved(uow, event, now):
    """The goods are reserved (at once or after restocking): an OUT_OF_STOCK hold is lifted."""
    record = storage.order(uow.session, event["order_no"], lock=True)
    if record is None:
        return
    held = any(hold.code == rules.OUT_OF_STOCK for hold in storage.open_holds(uow.session, record.order_no))
    if held:
        review.release_hold(uow, record, rules.OUT_OF_STOCK, WAREHOUSE, now, how=BY_WAREHOUSE)


def parcel_returned(uow, event, now):
    """A COD parcel came back uncollected: the customer's next COD orders are risky."""
    if event["payment_method"] != "cod":
        return
    record = _known_order(uow.session, event["order_no"])
    if storage.cod_refusal(uow.session, record.order_no) is None:
        uow.session.add(CodRefusal(order_no=record.order_no, customer_id=record.customer_id,
                                   tracking_no=event["tracking_no"],
                                   amount_not_collected=event["cod_amount_not_collected"], returned_at=now))


def handed_over(uow, event):
    """The courier took the parcel (order_shipped): corrections are refused from now on."""
    record = _known_order(uow.session, event["order_no"])
    record.handed_over_at = record.handed_over_at or event["shipped_at"]


def delivered(uow, event):
    record = _known_order(uow.session, event["order_no"])
    record.delivered_at = record.delivered_at or event["delivered_at"]


def _known_order(session, order_no):
    record = storage.order(session, order_no, lock=True)
    if record is None:
        # Every order the warehouse or a courier handles passed review here first.
        raise PermanentFailure(f"order {order_no} was never reviewed here")
    return record
