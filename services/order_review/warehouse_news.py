"""What the warehouse and the couriers tell order review: goods short, goods reserved after
all, parcels handed over and delivered (corrections end there), COD parcels refused
(business-rules §2: 缺货订单,通知顾客; ~30% of COD parcels return)."""
from services.order_review import events, review, rules, split, storage
from services.order_review.models import BY_WAREHOUSE, REJECTED, CodRefusal
from shared.errors import PermanentFailure

WAREHOUSE = "warehouse"   # who releases an OUT_OF_STOCK hold


def goods_short(uow, event, now, settings=None):
    """Picking & packing cannot reserve the goods: hold OUT_OF_STOCK and have the customer told; with
    SPLIT_WAITING_ORDERS, what is in stock is split off to ship now (issue #23)."""
    record = _known_order(uow.session, event["order_no"])
    if record.status == REJECTED:
        return
    hold = rules.out_of_stock_hold(event["short"])
    if review.place_holds(uow, record, [hold], now):
        uow.publish("customer_notification_requested", events.out_of_stock_notice(record, event["short"]),
                    aggregate_id=record.order_no)
        if settings is not None:
            split.auto_split(uow, record, settings, now)
        return
    for still_open in storage.open_holds(uow.session, record.order_no):   # waiting still (e.g. after a split):
        if still_open.code == rules.OUT_OF_STOCK:                          # what is short now
            still_open.message, still_open.params = hold.message, hold.params


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


def goods_change_refused(uow, event, now):
    """The warehouse had started picking when a reviewer's change of the goods reached it: the pick list kept
    its lines, so the order keeps them too (the change stays on record, refused)."""
    record = _known_order(uow.session, event["order_no"])
    change = storage.goods_change(uow.session, event["change_id"])
    if change is None or change.order_no != record.order_no:
        raise PermanentFailure(f"order {record.order_no} has no goods change {event['change_id']}")
    if change.refused_at is not None:
        return
    change.refused_at, change.refused_reason = now, event["reason"]
    if split.change_refused(uow.session, record, change, now):   # a split's: the order keeps all, no backorder
        return
    if record.order["lines"] == change.after:   # no later change since
        record.order = {**record.order, "lines": change.before}
        record.goods_key = rules.goods_key(change.before)


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
