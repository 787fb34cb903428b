"""The replacement an exchange sends: a new order in the storefront's shape, marked as a
replacement of the original, so it goes through review and the warehouse like any other."""
from decimal import Decimal

REPLACEMENT_SUFFIX = "-X"


def replacement_order(original, case_id, lines, now):
    """`original`: the stored storefront order (JSON); `lines`: {sku: qty} to send again."""
    catalogue = {line["sku"]: line for line in original["lines"]}
    new_lines = [{"sku": sku, "name": catalogue[sku]["name"], "qty": qty,
                  "unit_price": catalogue[sku]["unit_price"], "unit_weight_g": catalogue[sku]["unit_weight_g"]}
                 for sku, qty in sorted(lines.items())]
    goods = sum((Decimal(line["unit_price"]) * line["qty"] for line in new_lines), Decimal("0.00"))
    suffix = f"{REPLACEMENT_SUFFIX}{case_id}"
    return {
        "order_no": original["order_no"][:64 - len(suffix)] + suffix,
        "placed_at": now,
        "customer": original["customer"],
        "shipping_address": original["shipping_address"],
        "lines": new_lines,
        "shipping_fee": Decimal("0.00"),
        "total": goods,
        # Paid through the original order: nothing to collect on delivery.
        "payment": {"method": "prepaid", "paid_amount": goods},
        "buyer_remark": "",
        "replacement_of": original["order_no"],
    }
