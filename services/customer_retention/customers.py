"""The customer record built from the bus (no nameko here): accounts, buyers,
orders, and a timeline of what happened to each order."""
from services.customer_retention import names, storage
from services.customer_retention.models import Account, CompanyName, Customer
from shared.errors import RuleViolation
from shared.timeutil import utcnow


# An order's life as the care team sees it; the last two both end it.
ORDER_STATUSES = ("placed", "held", "shipped", "delivered", "returned_to_sender")


class OrderNotKnownYet(Exception):
    """An event about an order whose order_placed has not arrived: retried until it has."""


def record_order(uow, order):
    """The buyer, their account and the order, counted once per order_no. Returns the order_no,
    or None when the order was recorded before."""
    session = uow.session
    if storage.order_known(session, order["order_no"]):
        return None  # the same order again under another event id: counted once
    buyer, placed_at = order["customer"], order["placed_at"]
    key = ensure_account(uow, buyer["customer_id"], buyer["company"], buyer["name"])
    storage.count_order(session, customer_id=buyer["customer_id"], customer_key=key, name=buyer["name"],
                        phone=buyer["phone"], company=buyer["company"], orders_count=1, total_spent=order["total"],
                        first_order_at=placed_at, last_order_at=placed_at)
    storage.insert_order(session, order_no=order["order_no"], customer_id=buyer["customer_id"], customer_key=key,
                         total=order["total"], refunded=0, payment_method=order["payment"]["method"],
                         status="placed", placed_at=placed_at, recipient=order["shipping_address"]["recipient"],
                         recipient_phone=order["shipping_address"]["phone"], delivery_disputed=False)
    _timeline(session, buyer["customer_id"], order["order_no"], "order_placed", placed_at,
              {"total": str(order["total"]), "payment_method": order["payment"]["method"]})
    return order["order_no"]


def record_split(uow, event):
    """A backorder split off an order (拆单, `order_split`): the same purchase, so its parcel's news lands on the
    order (`storage.order_owner`), and the buyer's counters and the order's total stay as they are."""
    session = uow.session
    order = storage.order_owner(session, event["order_no"])
    if order is None:
        raise OrderNotKnownYet(f"order_split of order {event['order_no']}, which has not been placed here yet")
    if storage.add_backorder(session, event["backorder_no"], order.order_no, event["split_at"]):
        _timeline(session, order.customer_id, event["order_no"], "order_split", event["split_at"],
                  {"backorder_no": event["backorder_no"], "goods_amount": str(event["goods_amount"])})


def ensure_account(uow, customer_id, company, display_name):
    """The account key for a buyer; a new spelling of a known company is merged into it."""
    key = names.customer_key(customer_id, company)
    business = names.is_business(key)
    storage.insert_if_absent(uow.session, Account, customer_key=key, kind="business" if business else "private",
                             display_name=company.strip() if business else display_name, created_at=utcnow())
    if business:
        storage.insert_if_absent(uow.session, CompanyName, name=company.strip(), customer_key=key,
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
    delivery_disputed, recipient, recipient_phone); a backorder's news is its order's (the timeline keeps which)."""
    session = uow.session
    order = storage.order_owner(session, order_no)
    if order is None:
        raise OrderNotKnownYet(f"{kind} for order {order_no}, which has not been placed here yet")
    if refunded:
        storage.add_refund(session, order.order_no, refunded)
    if status:
        # Events from different services arrive in any order: the status only moves forward.
        storage.advance_order(session, order.order_no, status, ORDER_STATUSES[:ORDER_STATUSES.index(status)], at)
    if counters:
        storage.add_to_counters(session, order.customer_id, counters)
    _timeline(session, order.customer_id, order_no, kind, at, detail)
    return order


def dispute_delivery(uow, order_no):
    storage.dispute_delivery(uow.session, order_no)


def note_customer_event(uow, kind, customer_id, order_no, at, detail):
    """An event naming the buyer directly (a review, a notice): the account key to act on."""
    session = uow.session
    _timeline(session, customer_id, order_no, kind, at, detail)
    customer = session.get(Customer, customer_id)
    return customer.customer_key if customer else ensure_account(uow, customer_id, None, customer_id)


def _timeline(session, customer_id, order_no, kind, at, detail):
    storage.add_to_timeline(session, customer_id, order_no, kind, at or utcnow(), detail)
