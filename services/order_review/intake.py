"""Orders arriving (storefront `order_placed`, after-sales replacements): recorded once per
order_no, reviewed by the rules, then approved automatically or held for a person."""
import hashlib
import json

import sqlalchemy as sa

from contracts.base import schema
from contracts.storefront import Order
from services.order_review import review, rules
from services.order_review.models import CodRefusal, ReviewCustomer, ReviewOrder
from services.order_review.rules import CustomerHistory
from shared.db.unit_of_work import insert_ignoring_duplicates
from shared.errors import PermanentFailure

# Every order runs these: built once, run on the session's connection with plain parameters
# (building and ORM-executing them per order cost more than the queries).
_orders, _refusals = ReviewOrder.__table__, CodRefusal.__table__
_KNOWN = sa.select(_orders.c.order_no).where(_orders.c.order_no == sa.bindparam("order_no")).with_for_update()
_REFUSALS = sa.select(sa.func.count()).select_from(_refusals).where(
    _refusals.c.customer_id == sa.bindparam("customer_id"))
_SAME_GOODS = sa.select(_orders.c.order_no, _orders.c.placed_at).where(
    _orders.c.customer_id == sa.bindparam("customer_id"), _orders.c.goods_key == sa.bindparam("goods_key"),
    _orders.c.order_no != sa.bindparam("order_no"), _orders.c.order_no != sa.bindparam("original"),
    _orders.c.status != review.REJECTED,
    _orders.c.placed_at.between(sa.bindparam("earliest"), sa.bindparam("latest"))).order_by(_orders.c.placed_at)
_CUSTOMER_ROW = insert_ignoring_duplicates("postgresql", ReviewCustomer.__table__)
_LOCK_CUSTOMER = sa.select(ReviewCustomer.__table__.c.customer_id).where(
    ReviewCustomer.__table__.c.customer_id == sa.bindparam("customer_id")).with_for_update()


def receive_order(uow, order, settings, now):
    """`order` is the loaded storefront order; `now` is its arrival (the decision clock starts).
    Returns the order_no."""
    session = uow.session
    stored = schema(Order).dump(order)
    _lock_customer(session, order["customer"]["customer_id"], now)
    if session.connection().execute(_KNOWN, {"order_no": order["order_no"]}).first() is not None:
        return _arrived_again(uow, review.lock_order(session, order["order_no"]), stored, now).order_no
    row = dict(order_no=order["order_no"], customer_id=order["customer"]["customer_id"], total=order["total"],
               placed_at=order["placed_at"], received_at=now, order=stored, goods_key=rules.goods_key(order["lines"]),
               content_hash=_content_hash(stored), replacement_of=order.get("replacement_of"))
    holds = rules.review(order, customer_history(session, row, settings), settings)
    if holds:
        record = ReviewOrder(status=review.HELD, **row)
        session.add(record)
        review.place_holds(uow, record, holds, now)
    else:
        review.approve_on_arrival(uow, row, order, now)
    return row["order_no"]


def customer_history(session, row, settings):
    """What earlier orders say about the customer of `row` (a new order's columns)."""
    connection = session.connection()
    # Only COD_RISK reads the refusals, and only for a COD order.
    refusals = 0
    if row["order"]["payment"]["method"] == "cod":
        refusals = connection.execute(_REFUSALS, {"customer_id": row["customer_id"]}).scalar()
    window = settings.duplicate_window
    same_goods = connection.execute(_SAME_GOODS, {
        "customer_id": row["customer_id"], "goods_key": row["goods_key"], "order_no": row["order_no"],
        # An exchange's replacement repeats the original's goods on purpose.
        "original": row["replacement_of"] or row["order_no"],
        "earliest": row["placed_at"] - window, "latest": row["placed_at"] + window}).all()
    return CustomerHistory(cod_refusals=refusals, same_goods_orders=[tuple(r) for r in same_goods])


def _lock_customer(session, customer_id, now):
    """Serialise the reviews of one customer's orders (PostgreSQL: a row lock on the customer's row).
    On SQLite the unit of work already holds the database's only write lock: nothing to add."""
    if session.get_bind().dialect.name == "sqlite":
        return
    connection = session.connection()
    connection.execute(_CUSTOMER_ROW, {"customer_id": customer_id, "first_seen_at": now})
    connection.execute(_LOCK_CUSTOMER, {"customer_id": customer_id})


def _arrived_again(uow, existing, stored, now):
    """The same order_no again (another event_id): one order. The same content changes nothing; a
    different one is held for the reviewer while the order is held, and refused (dead-lettered, nothing
    stored) once review has decided: the warehouse may be working on the first version by then."""
    if _content_hash(stored) == existing.content_hash:
        return existing
    if existing.status != review.HELD:
        raise PermanentFailure(rules.conflict_after_decision(existing.order, stored, existing.status))
    review.place_holds(uow, existing, [rules.conflict_hold(existing.order, stored)], now)
    return existing


def _content_hash(stored):
    return hashlib.sha256(json.dumps(stored, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
