"""Building the customer record from orders (no nameko here)."""
from services.customer_retention.models import Customer, CustomerOrder


def record_order(uow, order):
    session = uow.session
    if session.get(CustomerOrder, order["order_no"]):
        return None  # the same order again under another event id: counted once
    buyer = order["customer"]
    customer = session.get(Customer, buyer["customer_id"]) or Customer(
        customer_id=buyer["customer_id"], name=buyer["name"], company=buyer["company"], orders_count=0,
        total_spent=0, first_order_at=order["placed_at"], last_order_at=order["placed_at"])
    customer.orders_count += 1
    customer.total_spent += order["total"]
    customer.first_order_at = min(customer.first_order_at, order["placed_at"])
    customer.last_order_at = max(customer.last_order_at, order["placed_at"])
    session.add(customer)
    session.add(CustomerOrder(order_no=order["order_no"], customer_id=customer.customer_id,
                              total=order["total"], placed_at=order["placed_at"]))
    return customer
