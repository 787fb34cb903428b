"""The customer record built from the bus (no nameko here): accounts, buyers,
orders, and a timeline of what happened to each order."""
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from services.customer_retention import names
from services.customer_retention.rows import insert_if_absent
from services.customer_retention.models import Account, CompanyName, Customer, CustomerEvent, CustomerOrder
from shared.errors import RuleViolation
from shared.timeutil import utcnow


# An order's life as the care team sees it; the last two both end it.
ORDER_STATUSES = ("placed", "held", "shipped", "delivered", "returned_to_sender")


# Run for every order and every event about one: built once, run with plain parameters.
_orders = CustomerOrder.__table__
_ORDER_KNOWN = sa.select(_orders.c.order_no).where(_orders.c.order_no == sa.bindparam("order_no"))
_ORDER_OWNER = sa.select(
    _orders.c.order_no, _orders.c.customer_id, _orders.c.customer_key, _orders.c.payment_method, _orders.c.status,
    _orders.c.delivery_disputed, _orders.c.recipient, _orders.c.recipient_phone,
).where(_orders.c.order_no == sa.bindparam("order_no"))
_INSERT_ORDER = sa.insert(_orders)
_INSERT_EVENT = sa.insert(CustomerEvent.__table__)
# Events from different services arrive in any order: the status only moves forward.
_ADVANCE = {status: sa.update(_orders).where(
    _orders.c.order_no == sa.bindparam("the_order"), _orders.c.status.in_(ORDER_STATUSES[:number]))
    .values(status=status, **({"delivered_at": sa.bindparam("at")} if status == "delivered" else {}))
    for number, status in enumerate(ORDER_STATUSES) if number}


class OrderNotKnownYet(Exception):
    """An event about an order whose order_placed has not arrived: retried until it has."""


def record_order(uow, order):
    """The buyer, their account and the order, counted once per order_no. Returns the order_no,
    or None when the order was recorded before."""
    connection = uow.session.connection()
    if connection.execute(_ORDER_KNOWN, {"order_no": order["order_no"]}).first() is not None:
        return None  # the same order again under another event id: counted once
    buyer, placed_at = order["customer"], order["placed_at"]
    key = ensure_account(uow, buyer["customer_id"], buyer["company"], buyer["name"])
    connection.execute(_count_order(connection.dialect.name), {
        "customer_id": buyer["customer_id"], "customer_key": key, "name": buyer["name"], "phone": buyer["phone"],
        "company": buyer["company"], "orders_count": 1, "total_spent": order["total"],
        "first_order_at": placed_at, "last_order_at": placed_at})
    connection.execute(_INSERT_ORDER, {
        "order_no": order["order_no"], "customer_id": buyer["customer_id"], "customer_key": key,
        "total": order["total"], "refunded": 0, "payment_method": order["payment"]["method"], "status": "placed",
        "placed_at": placed_at, "recipient": order["shipping_address"]["recipient"],
        "recipient_phone": order["shipping_address"]["phone"], "delivery_disputed": False})
    _timeline(uow.session, buyer["customer_id"], order["order_no"], "order_placed", placed_at,
              {"total": str(order["total"]), "payment_method": order["payment"]["method"]})
    return order["order_no"]


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


def ensure_account(uow, customer_id, company, display_name):
    """The account key for a buyer; a new spelling of a known company is merged into it."""
    key = names.customer_key(customer_id, company)
    business = names.is_business(key)
    insert_if_absent(uow, Account, customer_key=key, kind="business" if business else "private",
                                display_name=company.strip() if business else display_name, created_at=utcnow())
    if business:
        insert_if_absent(uow, CompanyName, name=company.strip(), customer_key=key,
                                    first_seen_at=utcnow())
    return key


def company_account(uow, company_name):
    """The account of a company claimed by its registered name (营业执照全称), made if it is new."""
    if names.business_key(company_name) is None:
        raise RuleViolation("the registered name has no letters or digits", code="invalid_company_name",
                            fields={"company_name": ["no letters or digits"]})
    return ensure_account(uow, None, company_name, company_name)


def note_order_event(uow, kind, order_no, at, detail, status=None, refunded=0, **counters):
    """Record an event about a known order on its buyer's timeline, counters and order status.
    Returns the order as it stood before (a row: order_no, customer_id, customer_key, payment_method, status,
    delivery_disputed, recipient, recipient_phone)."""
    session = uow.session
    order = session.connection().execute(_ORDER_OWNER, {"order_no": order_no}).first()
    if order is None:
        raise OrderNotKnownYet(f"{kind} for order {order_no}, which has not been placed here yet")
    if refunded:
        session.execute(sa.update(CustomerOrder).where(CustomerOrder.order_no == order_no)
                        .values(refunded=CustomerOrder.refunded + refunded))
    if status:
        _advance(session, order_no, status, at)
    if counters:
        session.execute(sa.update(Customer).where(Customer.customer_id == order.customer_id).values(
            **{name: getattr(Customer, name) + amount for name, amount in counters.items()}))
    _timeline(session, order.customer_id, order_no, kind, at, detail)
    return order


def dispute_delivery(uow, order_no):
    uow.session.execute(sa.update(CustomerOrder).where(CustomerOrder.order_no == order_no)
                        .values(delivery_disputed=True))


def _advance(session, order_no, status, at):
    session.connection().execute(_ADVANCE[status], {"the_order": order_no, "at": at})


def note_customer_event(uow, kind, customer_id, order_no, at, detail):
    """An event naming the buyer directly (a review, a notice): the account key to act on."""
    session = uow.session
    _timeline(session, customer_id, order_no, kind, at, detail)
    customer = session.get(Customer, customer_id)
    return customer.customer_key if customer else ensure_account(uow, customer_id, None, customer_id)


def _timeline(session, customer_id, order_no, kind, at, detail):
    session.connection().execute(_INSERT_EVENT, {"customer_id": customer_id, "order_no": order_no, "kind": kind,
                                                 "occurred_at": at or utcnow(), "detail": detail})
