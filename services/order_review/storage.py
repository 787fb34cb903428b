"""Order review's statements and row mapping: every query and write the use cases run, as functions
taking a session. The hot ones (every arriving order runs them) are built once, here, and run on the
session's connection with plain parameters: building and ORM-executing them per order cost more than
the queries."""
import sqlalchemy as sa

from services.order_review.models import (
    REJECTED, SPLIT_PENDING, BlacklistEntry, CodRefusal, Correction, GoodsChange, OrderHold, OrderSplit,
    ReviewCustomer, ReviewDecision, ReviewOrder)
from shared.db.unit_of_work import insert_ignoring_duplicates

_orders, _holds, _refusals = ReviewOrder.__table__, OrderHold.__table__, CodRefusal.__table__
_customers = ReviewCustomer.__table__

# -- an order arriving -----------------------------------------------------------------------------
_CUSTOMER_ROW = insert_ignoring_duplicates("postgresql", _customers)
_LOCK_CUSTOMER = sa.select(_customers.c.customer_id).where(
    _customers.c.customer_id == sa.bindparam("customer_id")).with_for_update()
_KNOWN = sa.select(_orders.c.order_no).where(_orders.c.order_no == sa.bindparam("order_no")).with_for_update()
_REFUSALS = sa.select(sa.func.count()).select_from(_refusals).where(
    _refusals.c.customer_id == sa.bindparam("customer_id"))
_SAME_GOODS = sa.select(_orders.c.order_no, _orders.c.placed_at).where(
    _orders.c.customer_id == sa.bindparam("customer_id"), _orders.c.goods_key == sa.bindparam("goods_key"),
    _orders.c.order_no != sa.bindparam("order_no"), _orders.c.order_no != sa.bindparam("original"),
    _orders.c.status != REJECTED,
    _orders.c.placed_at.between(sa.bindparam("earliest"), sa.bindparam("latest"))).order_by(_orders.c.placed_at)
_INSERT_ORDER = sa.insert(_orders)
_RECORD_DECISION = sa.insert(ReviewDecision.__table__)
_LISTED = BlacklistEntry.__table__
_BLACKLISTED = sa.select(BlacklistEntry).where(
    _LISTED.c.value.in_(sa.bindparam("values", expanding=True)), _LISTED.c.unlisted_at.is_(None)).order_by(_LISTED.c.id)
_OPEN_HOLD = sa.select(_holds.c.id).where(
    _holds.c.order_no == sa.bindparam("order_no"), _holds.c.code == sa.bindparam("code"),
    _holds.c.released_at.is_(None)).limit(1)


def lock_customer(session, customer_id, now):
    """Serialise the reviews of one customer's orders (PostgreSQL: a row lock on the customer's row).
    On SQLite the unit of work already holds the database's only write lock: nothing to add."""
    if session.get_bind().dialect.name == "sqlite":
        return
    connection = session.connection()
    connection.execute(_CUSTOMER_ROW, {"customer_id": customer_id, "first_seen_at": now})
    connection.execute(_LOCK_CUSTOMER, {"customer_id": customer_id})


def order_known(session, order_no):
    """Whether the order_no was received before (its row is then locked for this transaction)."""
    return session.connection().execute(_KNOWN, {"order_no": order_no}).first() is not None


def cod_refusals(session, customer_id):
    """How many COD parcels the customer refused (came back uncollected)."""
    return session.connection().execute(_REFUSALS, {"customer_id": customer_id}).scalar()


def same_goods_orders(session, customer_id, goods_key, order_no, original, earliest, latest):
    """[(order_no, placed_at)] of the customer's other orders of the same goods placed in [earliest, latest],
    oldest first, leaving out `original` (an exchange's replacement repeats its goods) and rejected ones."""
    rows = session.connection().execute(_SAME_GOODS, {
        "customer_id": customer_id, "goods_key": goods_key, "order_no": order_no, "original": original,
        "earliest": earliest, "latest": latest}).all()
    return [tuple(row) for row in rows]


def blacklisted(session, pairs):
    """The listed entries (not taken off) among `pairs`: [(kind, normalised value)], oldest first."""
    pairs = set(pairs)
    return [entry for entry in session.scalars(_BLACKLISTED, {"values": sorted({value for _, value in pairs})})
            if (entry.kind, entry.value) in pairs]


def insert_order(session, columns):
    """Write an order row (ReviewOrder's columns) in one INSERT, without an ORM object."""
    session.connection().execute(_INSERT_ORDER, columns)


def hold_rows(order_no, holds, now):
    """OrderHold rows for the rules' holds (`code`, `message`, `params`), placed at `now`."""
    return [OrderHold(order_no=order_no, code=hold.code, message=hold.message, params=hold.params, created_at=now)
            for hold in holds]


def record_decision(session, order_no, outcome, reviewer, decided_at, seconds_to_decision, reason=None):
    session.connection().execute(_RECORD_DECISION, {
        "order_no": order_no, "outcome": outcome, "reviewer": reviewer, "decided_at": decided_at,
        "seconds_to_decision": seconds_to_decision, "reason": reason})


# -- an order under review -------------------------------------------------------------------------
def order(session, order_no, lock=False):
    """The order's row as stored now (None if unknown); `lock`: locked for this transaction."""
    query = sa.select(ReviewOrder).where(ReviewOrder.order_no == order_no)
    if lock:
        query = query.with_for_update()
    return session.scalar(query.execution_options(populate_existing=True))


def open_holds(session, order_no):
    return list(session.scalars(sa.select(OrderHold).where(
        OrderHold.order_no == order_no, OrderHold.released_at.is_(None)).order_by(OrderHold.id)))


def has_open_hold(session, order_no, code):
    """Whether the order has an open hold of `code` (one small read)."""
    return session.connection().execute(_OPEN_HOLD, {"order_no": order_no, "code": code}).first() is not None


def release_hold(session, order_no, code, by, now, how):
    """Release the order's open hold of `code`; whether there was one."""
    return session.execute(
        sa.update(OrderHold).where(OrderHold.order_no == order_no, OrderHold.code == code,
                                   OrderHold.released_at.is_(None))
        .values(released_at=now, released_by=by, released_how=how)).rowcount > 0


def release_open_holds(session, order_no, by, now, how):
    session.execute(sa.update(OrderHold).where(OrderHold.order_no == order_no, OrderHold.released_at.is_(None))
                    .values(released_at=now, released_by=by, released_how=how))


def claim(session, order_no, staff_id, now, until):
    """Claim the order for `staff_id` until `until`, unless someone else holds a live claim (one
    conditional UPDATE: two reviewers can't both win); whether the claim was taken."""
    return session.execute(
        sa.update(ReviewOrder).where(
            ReviewOrder.order_no == order_no,
            sa.or_(ReviewOrder.claimed_by.is_(None), ReviewOrder.claimed_by == staff_id,
                   ReviewOrder.claim_expires_at <= now))
        .values(claimed_by=staff_id, claim_expires_at=until)).rowcount > 0


def unclaim(session, order_no, staff_id):
    """Give up `staff_id`'s claim on the order; whether they held one."""
    return session.execute(sa.update(ReviewOrder).where(
        ReviewOrder.order_no == order_no, ReviewOrder.claimed_by == staff_id)
        .values(claimed_by=None, claim_expires_at=None)).rowcount > 0


def cod_refusal(session, order_no):
    return session.get(CodRefusal, order_no)


# -- what the reviewers read -----------------------------------------------------------------------
def held_orders(session, code=None, received_by=None, received_since=None, limit=50):
    """Orders with an open hold (of `code`, if given), received in [received_since, received_by], oldest first."""
    open_hold = sa.select(OrderHold.id).where(OrderHold.order_no == ReviewOrder.order_no,
                                              OrderHold.released_at.is_(None))
    if code:
        open_hold = open_hold.where(OrderHold.code == code)
    query = sa.select(ReviewOrder).where(open_hold.exists())
    if received_by is not None:
        query = query.where(ReviewOrder.received_at <= received_by)
    if received_since is not None:
        query = query.where(ReviewOrder.received_at >= received_since)
    return list(session.scalars(query.order_by(ReviewOrder.received_at, ReviewOrder.order_no).limit(limit)))


def open_holds_of(session, order_nos):
    """{order_no: [open hold]} for the given orders."""
    by_order = {}
    for hold in session.scalars(sa.select(OrderHold).where(OrderHold.order_no.in_(order_nos),
                                                           OrderHold.released_at.is_(None))
                                .order_by(OrderHold.id)):
        by_order.setdefault(hold.order_no, []).append(hold)
    return by_order


def holds(session, order_no):
    """Every hold the order had, open or released, in the order placed."""
    return list(session.scalars(sa.select(OrderHold).where(OrderHold.order_no == order_no).order_by(OrderHold.id)))


def corrections(session, order_no):
    return list(session.scalars(sa.select(Correction).where(Correction.order_no == order_no).order_by(Correction.id)))


def goods_changes(session, order_no):
    return list(session.scalars(sa.select(GoodsChange).where(GoodsChange.order_no == order_no)
                                .order_by(GoodsChange.id)))


def goods_change(session, change_id):
    return session.get(GoodsChange, change_id, with_for_update=True)


# -- splits (拆单, issue #23) -----------------------------------------------------------------------
def splits(session, order_no):
    """The order's splits, oldest first."""
    return list(session.scalars(sa.select(OrderSplit).where(OrderSplit.order_no == order_no).order_by(OrderSplit.id)))


def split_pending(session, order_no):
    return session.scalar(sa.select(OrderSplit).where(OrderSplit.order_no == order_no,
                                                      OrderSplit.status == SPLIT_PENDING)) is not None


def split_of_change(session, change_id):
    """The split a goods change made (locked), or None: most goods changes are a reviewer's own."""
    return session.scalar(sa.select(OrderSplit).where(OrderSplit.change_id == change_id).with_for_update())


def split_into(session, backorder_no):
    """The split that made `backorder_no`, or None (an order of its own)."""
    return session.scalar(sa.select(OrderSplit).where(OrderSplit.backorder_no == backorder_no))


# -- the blacklist ---------------------------------------------------------------------------------
def listed_entry(session, kind, value):
    """The entry listing (kind, value) now, if any."""
    return session.scalar(sa.select(BlacklistEntry).where(
        BlacklistEntry.kind == kind, BlacklistEntry.value == value, BlacklistEntry.unlisted_at.is_(None)))


def blacklist_entry(session, entry_id, lock=False):
    query = sa.select(BlacklistEntry).where(BlacklistEntry.id == entry_id)
    return session.scalar(query.with_for_update() if lock else query)


def blacklist(session, kind=None, listed_only=True, limit=500):
    """Entries, newest first: those listed now, or (`listed_only=False`) every one ever listed (the audit)."""
    query = sa.select(BlacklistEntry)
    if kind:
        query = query.where(BlacklistEntry.kind == kind)
    if listed_only:
        query = query.where(BlacklistEntry.unlisted_at.is_(None))
    return list(session.scalars(query.order_by(BlacklistEntry.id.desc()).limit(limit)))


def decisions(session, order_no):
    return list(session.scalars(sa.select(ReviewDecision).where(ReviewDecision.order_no == order_no)
                                .order_by(ReviewDecision.id)))


# -- the daily statistic ---------------------------------------------------------------------------
def decisions_between(session, start, end):
    """(order_no, reviewer, outcome, seconds_to_decision) of the decisions taken in [start, end)."""
    return session.execute(sa.select(
        ReviewDecision.order_no, ReviewDecision.reviewer, ReviewDecision.outcome,
        ReviewDecision.seconds_to_decision).where(ReviewDecision.decided_at >= start,
                                                  ReviewDecision.decided_at < end)).all()


def holds_of_decided_between(session, start, end):
    """(order_no, code) of every hold of the orders decided in [start, end)."""
    return session.execute(
        sa.select(OrderHold.order_no, OrderHold.code).join(
            ReviewDecision, ReviewDecision.order_no == OrderHold.order_no)
        .where(ReviewDecision.decided_at >= start, ReviewDecision.decided_at < end)).all()


def holds_placed_between(session, start, end):
    """{code: how many holds of it were placed in [start, end)}."""
    return dict(session.execute(sa.select(OrderHold.code, sa.func.count()).where(
        OrderHold.created_at >= start, OrderHold.created_at < end).group_by(OrderHold.code)).all())
