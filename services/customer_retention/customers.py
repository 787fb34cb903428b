"""The customer record built from the bus (no nameko here): accounts, buyers,
orders, and a timeline of what happened to each order."""
import sqlalchemy as sa

from services.customer_retention import names
from services.customer_retention.rows import insert_if_absent
from services.customer_retention.models import Account, CompanyName, Customer, CustomerEvent, CustomerOrder
from shared.timeutil import utcnow


# An order's life as the care team sees it; the last two both end it.
ORDER_STATUSES = ("placed", "held", "shipped", "delivered", "returned_to_sender")


class OrderNotKnownYet(Exception):
    """An event about an order whose order_placed has not arrived: retried until it has."""


def record_order(uow, order):
    session = uow.session
    if session.get(CustomerOrder, order["order_no"]):
        return None  # the same order again under another event id: counted once
    buyer, placed_at = order["customer"], order["placed_at"]
    key = ensure_account(uow, buyer["customer_id"], buyer["company"], buyer["name"])
    insert_if_absent(uow, Customer, customer_id=buyer["customer_id"], customer_key=key,
                                name=buyer["name"], phone=buyer["phone"], company=buyer["company"],
                                total_spent=0, first_order_at=placed_at, last_order_at=placed_at)
    # Counters move in SQL, so concurrent consumers never lose an update.
    session.execute(sa.update(Customer).where(Customer.customer_id == buyer["customer_id"]).values(
        customer_key=key, name=buyer["name"], phone=buyer["phone"], company=buyer["company"],
        orders_count=Customer.orders_count + 1, total_spent=Customer.total_spent + order["total"],
        first_order_at=sa.case((Customer.first_order_at > placed_at, placed_at), else_=Customer.first_order_at),
        last_order_at=sa.case((Customer.last_order_at < placed_at, placed_at), else_=Customer.last_order_at)))
    record = CustomerOrder(order_no=order["order_no"], customer_id=buyer["customer_id"], customer_key=key,
                           total=order["total"], refunded=0, payment_method=order["payment"]["method"],
                           status="placed", placed_at=placed_at)
    session.add(record)
    _timeline(session, buyer["customer_id"], order["order_no"], "order_placed", placed_at,
              {"total": str(order["total"]), "payment_method": order["payment"]["method"]})
    return record


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


def note_order_event(uow, kind, order_no, at, detail, status=None, refunded=0, **counters):
    """Record an event about a known order on its buyer's timeline, counters and order status."""
    session = uow.session
    order = session.get(CustomerOrder, order_no)
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
    session.refresh(order)
    return order


def _advance(session, order_no, status, at):
    """Events from different services arrive in any order: the status only moves forward."""
    earlier = ORDER_STATUSES[:ORDER_STATUSES.index(status)]
    changes = {"status": status, **({"delivered_at": at} if status == "delivered" else {})}
    session.execute(sa.update(CustomerOrder).where(CustomerOrder.order_no == order_no,
                                                   CustomerOrder.status.in_(earlier)).values(**changes))


def note_customer_event(uow, kind, customer_id, order_no, at, detail):
    """An event naming the buyer directly (a review, a notice): the account key to act on."""
    session = uow.session
    _timeline(session, customer_id, order_no, kind, at, detail)
    customer = session.get(Customer, customer_id)
    return customer.customer_key if customer else ensure_account(uow, customer_id, None, customer_id)


def _timeline(session, customer_id, order_no, kind, at, detail):
    session.add(CustomerEvent(customer_id=customer_id, order_no=order_no, kind=kind, occurred_at=at or utcnow(),
                              detail=detail))

