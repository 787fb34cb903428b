"""Orders arriving (storefront `order_placed`, after-sales replacements): recorded once per
order_no, reviewed by the rules, then approved automatically or held for a person."""
import hashlib
import json

import sqlalchemy as sa

from contracts.storefront import Order
from services.order_review import review, rules
from services.order_review.models import CodRefusal, ReviewCustomer, ReviewOrder
from services.order_review.rules import CustomerHistory
from shared.db.unit_of_work import insert_ignoring_duplicates


def receive_order(uow, order, policy, now):
    """`order` is the loaded storefront order; `now` is its arrival (the decision clock starts)."""
    stored = Order().dump(order)
    _lock_customer(uow.session, order["customer"]["customer_id"], now)
    existing = uow.session.scalar(sa.select(ReviewOrder).where(ReviewOrder.order_no == order["order_no"])
                                  .with_for_update())
    if existing is not None:
        return _arrived_again(uow, existing, stored, now)
    record = ReviewOrder(order_no=order["order_no"], customer_id=order["customer"]["customer_id"],
                         status=review.HELD, total=order["total"], placed_at=order["placed_at"],
                         received_at=now, order=stored, goods_key=rules.goods_key(order["lines"]),
                         content_hash=_content_hash(stored), replacement_of=order.get("replacement_of"))
    history = customer_history(uow.session, record, policy)
    uow.session.add(record)
    uow.session.flush()
    holds = rules.review(order, history, policy)
    if holds:
        review.place_holds(uow, record, holds, now)
    else:
        review.approve(uow, record, "auto", now)
    return record


def customer_history(session, record, policy):
    refusals = session.scalar(sa.select(sa.func.count()).select_from(CodRefusal)
                              .where(CodRefusal.customer_id == record.customer_id))
    window = policy.duplicate_window
    # An exchange's replacement repeats the original's goods on purpose.
    not_duplicates = [record.order_no] + ([record.replacement_of] if record.replacement_of else [])
    same_goods = session.execute(
        sa.select(ReviewOrder.order_no, ReviewOrder.placed_at).where(
            ReviewOrder.customer_id == record.customer_id, ReviewOrder.goods_key == record.goods_key,
            ReviewOrder.order_no.not_in(not_duplicates), ReviewOrder.status != review.REJECTED,
            ReviewOrder.placed_at.between(record.placed_at - window, record.placed_at + window))
        .order_by(ReviewOrder.placed_at)).all()
    return CustomerHistory(cod_refusals=refusals, same_goods_orders=[tuple(row) for row in same_goods])


def _lock_customer(session, customer_id, now):
    """Serialise the reviews of one customer's orders (in the database: PostgreSQL row lock)."""
    session.execute(insert_ignoring_duplicates(session.get_bind().dialect.name, ReviewCustomer.__table__)
                    .values(customer_id=customer_id, first_seen_at=now))
    session.execute(sa.select(ReviewCustomer.customer_id).where(ReviewCustomer.customer_id == customer_id)
                    .with_for_update())


def _arrived_again(uow, existing, stored, now):
    """The same order_no again (another event_id): one order; a different content is held."""
    if _content_hash(stored) != existing.content_hash and existing.status != review.REJECTED:
        review.place_holds(uow, existing, [rules.conflict_hold(existing.order, stored)], now)
    return existing


def _content_hash(stored):
    return hashlib.sha256(json.dumps(stored, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
