"""Customer retention's statements and row mapping: every query and bulk write that the rules and use
cases (customers, pool, limits, follow_ups, care, lookup, analytics) run, as functions taking a session.

Writes that two consumers or two reps may race on are single statements: an insert that ignores a
duplicate key, an UPDATE whose WHERE holds the condition (`held < :max`, `status = 'open'`), and their
row count says whether this call won. Statements run for every event are built once.
"""
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from services.customer_retention.models import (
    Account, Backorder, CareTask, CompanyName, Customer, CustomerEvent, CustomerOrder, FollowUp, Notice, Ownership,
    PoolLimit, Protection, RepClaimDay, RepLoad,
)
from shared.db.unit_of_work import insert_ignoring_duplicates


# -- any table ---------------------------------------------------------------------------------
@lru_cache(maxsize=None)
def _insert_ignoring_duplicates(dialect, table):
    # Built once per table: building the statement per row cost more than running it.
    return insert_ignoring_duplicates(dialect, table)


def insert_if_absent(session, model, **values):
    """A row inserted unless its key is already there (no read-then-write race); True when this call
    inserted it."""
    connection = session.connection()
    statement = _insert_ignoring_duplicates(connection.dialect.name, model.__table__)
    return connection.execute(statement, values).rowcount == 1


def reloaded(session, model, key):
    """The row as the database holds it now (after an UPDATE run past the session's objects)."""
    return session.get(model, key, populate_existing=True)


# -- buyers, their orders and timeline (customers.py) -------------------------------------------
# Run for every order and every event about one: built once, run with plain parameters.
_orders = CustomerOrder.__table__
_ORDER_KNOWN = sa.select(_orders.c.order_no).where(_orders.c.order_no == sa.bindparam("order_no"))
_ORDER_OWNER = sa.select(
    _orders.c.order_no, _orders.c.customer_id, _orders.c.customer_key, _orders.c.payment_method, _orders.c.status,
    _orders.c.delivery_disputed, _orders.c.recipient, _orders.c.recipient_phone,
).where(_orders.c.order_no == sa.bindparam("order_no"))
_INSERT_ORDER = sa.insert(_orders)
_SPLIT_FROM = sa.select(Backorder.order_no).where(Backorder.backorder_no == sa.bindparam("backorder_no"))
_INSERT_EVENT = sa.insert(CustomerEvent.__table__).inline().execution_options(at_commit=True)   # read later only


def order_known(session, order_no):
    return session.connection().execute(_ORDER_KNOWN, {"order_no": order_no}).first() is not None


def order_owner(session, order_no):
    """A row (order_no, customer_id, customer_key, payment_method, status, delivery_disputed, recipient,
    recipient_phone), or None for an order not placed here. A backorder's is the order it was split from."""
    connection = session.connection()
    found = connection.execute(_ORDER_OWNER, {"order_no": order_no}).first()
    if found is None:   # rare: a backorder, or an event that overtook its order_placed
        split_from = connection.execute(_SPLIT_FROM, {"backorder_no": order_no}).scalar()
        found = split_from and connection.execute(_ORDER_OWNER, {"order_no": split_from}).first()
    return found


def add_backorder(session, backorder_no, order_no, split_at):
    """True if it is new."""
    return insert_if_absent(session, Backorder, backorder_no=backorder_no, order_no=order_no, split_at=split_at)


def count_order(session, **buyer):
    """The buyer's row with one more order counted (see _count_order)."""
    connection = session.connection()
    connection.execute(_count_order(connection.dialect.name), buyer)


@lru_cache(maxsize=None)
def _count_order(dialect):
    """The buyer's row with this order counted: inserted for a new buyer; for a known one its
    details are refreshed and its counters move in SQL, so concurrent consumers never lose an update."""
    customers = Customer.__table__
    new = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(customers)
    return new.on_conflict_do_update(index_elements=[customers.c.customer_id], set_={
        "customer_key": new.excluded.customer_key, "name": new.excluded.name, "phone": new.excluded.phone,
        "company": new.excluded.company,
        "orders_count": customers.c.orders_count + 1,
        "total_spent": customers.c.total_spent + new.excluded.total_spent,
        "first_order_at": sa.case((customers.c.first_order_at > new.excluded.first_order_at,
                                   new.excluded.first_order_at), else_=customers.c.first_order_at),
        "last_order_at": sa.case((customers.c.last_order_at < new.excluded.last_order_at,
                                  new.excluded.last_order_at), else_=customers.c.last_order_at)})


def insert_order(session, **order):
    session.connection().execute(_INSERT_ORDER, order)


def add_to_timeline(session, customer_id, order_no, kind, at, detail):
    session.connection().execute(_INSERT_EVENT, {"customer_id": customer_id, "order_no": order_no, "kind": kind,
                                                 "occurred_at": at, "detail": detail})


def add_refund(session, order_no, amount):
    session.execute(sa.update(CustomerOrder).where(CustomerOrder.order_no == order_no)
                    .values(refunded=CustomerOrder.refunded + amount))


def advance_order(session, order_no, status, earlier, at):
    """The order's status becomes `status` only from one of the `earlier` ones (it never moves back)."""
    session.connection().execute(_advance(status, earlier), {"the_order": order_no, "at": at})


@lru_cache(maxsize=None)
def _advance(status, earlier):
    return (sa.update(_orders).where(_orders.c.order_no == sa.bindparam("the_order"), _orders.c.status.in_(earlier))
            .values(status=status, **({"delivered_at": sa.bindparam("at")} if status == "delivered" else {})))


def add_to_counters(session, customer_id, counters):
    """Move a buyer's counters ({name: amount}) in SQL."""
    session.execute(sa.update(Customer).where(Customer.customer_id == customer_id).values(
        **{name: getattr(Customer, name) + amount for name, amount in counters.items()}))


def dispute_delivery(session, order_no):
    session.execute(sa.update(CustomerOrder).where(CustomerOrder.order_no == order_no)
                    .values(delivery_disputed=True))


# -- the customer database read back (analytics.py, care.py, lookup.py) ------------------------
def order_amounts(session):
    """(customer_key, placed_at, total, refunded) of every order."""
    return session.execute(sa.select(CustomerOrder.customer_key, CustomerOrder.placed_at, CustomerOrder.total,
                                     CustomerOrder.refunded)).all()


def buyers_of(session, customer_key):
    return session.scalars(sa.select(Customer).where(Customer.customer_key == customer_key)
                           .order_by(Customer.customer_id)).all()


def orders_of(session, customer_key):
    return session.scalars(sa.select(CustomerOrder).where(CustomerOrder.customer_key == customer_key)
                           .order_by(CustomerOrder.placed_at)).all()


def timeline_of(session, customer_ids):
    return session.scalars(sa.select(CustomerEvent).where(CustomerEvent.customer_id.in_(customer_ids))
                           .order_by(CustomerEvent.occurred_at, CustomerEvent.id)).all()


def company_names_of(session, customer_key):
    """Every spelling of the account's registered name, the first seen first."""
    return session.scalars(sa.select(CompanyName.name).where(CompanyName.customer_key == customer_key)
                           .order_by(CompanyName.first_seen_at, CompanyName.name)).all()


def company_names(session):
    """(customer_key, name) of every spelling seen, by account."""
    return session.execute(sa.select(CompanyName.customer_key, CompanyName.name)
                           .order_by(CompanyName.customer_key, CompanyName.name)).all()


def buyers_by_id(session, customer_ids):
    """{customer_id: (customer_id, name, phone)}."""
    if not customer_ids:
        return {}
    return {row.customer_id: row for row in session.execute(
        sa.select(Customer.customer_id, Customer.name, Customer.phone).where(Customer.customer_id.in_(customer_ids)))}


def latest_buyers(session, customer_keys):
    """{customer_key: (customer_key, name, phone) of the account's buyer who ordered last}."""
    latest = {}
    for row in session.execute(sa.select(Customer.customer_key, Customer.name, Customer.phone)
                               .where(Customer.customer_key.in_(customer_keys)).order_by(Customer.last_order_at)):
        latest[row.customer_key] = row
    return latest


def display_names(session, customer_keys):
    """{customer_key: the account's display name}."""
    return dict(session.execute(sa.select(Account.customer_key, Account.display_name)
                                .where(Account.customer_key.in_(customer_keys))).all())


def recent_buyers(session, customer_key, limit):
    """(name, phone) of the account's buyers, who ordered last first."""
    return session.execute(sa.select(Customer.name, Customer.phone).where(Customer.customer_key == customer_key)
                           .order_by(Customer.last_order_at.desc()).limit(limit)).all()


def _like(text):
    """LIKE patterns for text starting with, and containing, `text` (its wildcards escaped)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%", "%" + escaped + "%"


def account_keys_starting(session, text, limit=None):
    return session.scalars(sa.select(Account.customer_key).where(
        Account.customer_key.like(_like(text)[0], escape="\\")).order_by(Account.customer_key).limit(limit)).all()


def business_keys_containing(session, text, limit):
    return session.scalars(sa.select(Account.customer_key).where(
        Account.kind == "business", Account.customer_key.like(_like(text)[1], escape="\\"))
        .order_by(Account.customer_key).limit(limit)).all()


def keys_of_buyers_named(session, text, limit):
    """Accounts of buyers whose name starts with `text`."""
    return session.scalars(sa.select(Customer.customer_key).where(Customer.name.like(_like(text)[0], escape="\\"))
                           .order_by(Customer.customer_key).limit(limit)).all()


def keys_of_phones(session, digits, limit):
    """Accounts of buyers whose phone starts with `digits`."""
    return session.scalars(sa.select(Customer.customer_key).where(Customer.phone.like(_like(digits)[0], escape="\\"))
                           .order_by(Customer.customer_key).limit(limit)).all()


# -- the protection pool (pool.py, follow_ups.py) -----------------------------------------------
def locked_protection(session, customer_key):
    return session.get(Protection, customer_key, with_for_update=True)


def due_protections(session, now, customer_key=None):
    """Protections past their expiry (one customer's, or all), locked."""
    query = sa.select(Protection).where(Protection.expires_at <= now)
    if customer_key is not None:
        query = query.where(Protection.customer_key == customer_key)
    return session.scalars(query.with_for_update()).all()


def extend_protection(session, customer_key, rep, now, expires_at):
    """The rep's protection, if still running, lasts until `expires_at`; False when it isn't theirs or ran out."""
    return session.execute(
        sa.update(Protection).where(Protection.customer_key == customer_key, Protection.rep == rep,
                                    Protection.expires_at > now)
        .values(expires_at=expires_at, expiry_notified_at=None)).rowcount > 0


def unnotified_expiring(session, now, until):
    """Running protections that expire by `until` and whose rep has not been told."""
    return session.scalars(sa.select(Protection).where(
        Protection.expires_at > now, Protection.expires_at <= until, Protection.expiry_notified_at.is_(None))).all()


def mark_expiry_notified(session, customer_key, now):
    """False when another round marked it first."""
    return session.execute(sa.update(Protection).where(
        Protection.customer_key == customer_key, Protection.expiry_notified_at.is_(None))
        .values(expiry_notified_at=now)).rowcount > 0


def end_protection(session, protection, reason, by, now, note=None):
    """Delete the holding and close its ownership; False when someone else ended it first."""
    gone = session.execute(sa.delete(Protection).where(
        Protection.customer_key == protection.customer_key,
        Protection.ownership_id == protection.ownership_id)).rowcount
    if not gone:
        return False
    session.execute(sa.update(Ownership).where(Ownership.id == protection.ownership_id).values(
        ended_at=now, end_reason=reason, ended_by=by, note=note or Ownership.note))
    return True


def last_lost_at(session, customer_key, rep, reasons):
    """When the rep last stopped holding the customer for one of `reasons`, or None."""
    return session.scalar(sa.select(sa.func.max(Ownership.ended_at)).where(
        Ownership.customer_key == customer_key, Ownership.rep == rep, Ownership.end_reason.in_(reasons)))


def protections_with_names(session, rep=None):
    """[(Protection, the account's display name)], the soonest to expire first."""
    query = sa.select(Protection, Account.display_name).join(Account).order_by(Protection.expires_at)
    if rep is not None:
        query = query.where(Protection.rep == rep)
    return session.execute(query).all()


def ownerships_of(session, customer_key):
    return session.scalars(sa.select(Ownership).where(Ownership.customer_key == customer_key)
                           .order_by(Ownership.started_at, Ownership.id)).all()


def notices_of(session, rep, limit):
    return session.scalars(sa.select(Notice).where(Notice.rep == rep).order_by(Notice.id.desc()).limit(limit)).all()


def note_follow_up(session, customer_key, rep, now):
    """The rep's protection of the customer (if they hold it) was followed up now."""
    session.execute(sa.update(Protection).where(Protection.customer_key == customer_key, Protection.rep == rep)
                    .values(last_follow_up_at=now))


def follow_ups_of(session, customer_key, rep=None):
    """The customer's follow-ups (one rep's, or all), the latest first."""
    query = sa.select(FollowUp).where(FollowUp.customer_key == customer_key)
    if rep is not None:
        query = query.where(FollowUp.rep == rep)
    return session.scalars(query.order_by(FollowUp.logged_at.desc(), FollowUp.id.desc())).all()


# -- the sales limits (limits.py) ---------------------------------------------------------------
def limit_values(session, name, scopes):
    """{scope: value} of the limit set for any of `scopes`."""
    return dict(session.execute(sa.select(PoolLimit.scope, PoolLimit.value).where(
        PoolLimit.name == name, PoolLimit.scope.in_(scopes))).all())


def pool_limits(session):
    return session.scalars(sa.select(PoolLimit).order_by(PoolLimit.name, PoolLimit.scope)).all()


def take_slot(session, rep, maximum):
    """One more customer held by the rep, if they hold fewer than `maximum`; False when they don't."""
    insert_if_absent(session, RepLoad, rep=rep, held=0)
    return session.execute(sa.update(RepLoad).where(RepLoad.rep == rep, RepLoad.held < maximum)
                           .values(held=RepLoad.held + 1)).rowcount > 0


def adjust_load(session, rep, delta):
    insert_if_absent(session, RepLoad, rep=rep, held=0)
    session.execute(sa.update(RepLoad).where(RepLoad.rep == rep).values(held=RepLoad.held + delta))


def count_claim(session, rep, day, maximum):
    """One more claim by the rep on `day`, if they made fewer than `maximum`; False when they didn't."""
    insert_if_absent(session, RepClaimDay, rep=rep, day=day, claims=0)
    return session.execute(
        sa.update(RepClaimDay).where(RepClaimDay.rep == rep, RepClaimDay.day == day, RepClaimDay.claims < maximum)
        .values(claims=RepClaimDay.claims + 1)).rowcount > 0


# -- care tasks (care.py) -----------------------------------------------------------------------
def care_task_of(session, dedupe_key):
    return session.scalar(sa.select(CareTask).where(CareTask.dedupe_key == dedupe_key))


def has_open_task(session, kind, order_no):
    return session.scalar(sa.select(CareTask.id).where(CareTask.kind == kind, CareTask.order_no == order_no,
                                                        CareTask.status == "open").limit(1)) is not None


def reassign_open_tasks(session, customer_key, from_rep, to_rep):
    """The customer's open tasks of `from_rep` (None: the care queue's) go to `to_rep` (None: the queue)."""
    session.execute(sa.update(CareTask).where(
        CareTask.customer_key == customer_key, CareTask.status == "open",
        CareTask.assignee.is_(None) if from_rep is None else CareTask.assignee == from_rep).values(assignee=to_rep))


def cancel_open_tasks(session, kind, order_no, why):
    session.execute(sa.update(CareTask).where(
        CareTask.kind == kind, CareTask.order_no == order_no, CareTask.status == "open").values(
        status="cancelled", notes=why))


def complete_open_task(session, task_id, outcome, notes, by, now):
    """False when the task is no longer open."""
    return session.execute(sa.update(CareTask).where(CareTask.id == task_id, CareTask.status == "open").values(
        status="done", outcome=outcome, notes=notes, completed_by=by, completed_at=now)).rowcount > 0


def lapsed_customers(session, cutoff, min_orders):
    """(customer_key, orders, last placed_at) of accounts with `min_orders` or more and none since `cutoff`."""
    return session.execute(
        sa.select(CustomerOrder.customer_key, sa.func.count(), sa.func.max(CustomerOrder.placed_at))
        .group_by(CustomerOrder.customer_key)
        .having(sa.func.count() >= min_orders, sa.func.max(CustomerOrder.placed_at) <= cutoff)).all()


def care_tasks(session, status=None, assignee=None, queue=False):
    """Tasks by due time: of one status (None: any), the care queue's or one assignee's (neither: all)."""
    query = sa.select(CareTask).order_by(CareTask.due_at, CareTask.id)
    if status:
        query = query.where(CareTask.status == status)
    if queue:
        query = query.where(CareTask.assignee.is_(None))
    elif assignee:
        query = query.where(CareTask.assignee == assignee)
    return session.scalars(query).all()
