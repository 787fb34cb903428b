"""Keeping after-sales' copy of each order (no nameko here)."""
from services.after_sales.models import SalesOrder


def record_order(uow, order):
    lines = [{"sku": l["sku"], "name": l["name"], "qty": l["qty"], "unit_price": str(l["unit_price"])}
             for l in order["lines"]]
    record = SalesOrder(order_no=order["order_no"], customer_id=order["customer"]["customer_id"], lines=lines,
                        shipping_fee=order["shipping_fee"], total=order["total"],
                        paid_amount=order["payment"]["paid_amount"], payment_method=order["payment"]["method"],
                        placed_at=order["placed_at"])
    uow.session.merge(record)
    return record
