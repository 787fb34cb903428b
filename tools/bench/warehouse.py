"""Before orders flow: goods on the shelves (picking_packing) and waybill numbers (shipping_labels)."""
import uuid
from collections import Counter

import requests

from services.shipping_labels.numbering import DigitsFormat, S10Format
from tools.storefront import CATALOGUE

MAX_QTY_PER_ORDER = 9   # make_order: up to 3 lines of up to 3 each
RANGES = {"EMS": (S10Format(), "EE"), "ZTO": (DigitsFormat(12, 4), "7300"), "DBL": (DigitsFormat(12, 4), "8800")}


def _post(url, token, body):
    answer = requests.post(url, json=body, timeout=30, headers={
        "Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())})
    if answer.status_code >= 300:
        raise RuntimeError(f"POST {url}: {answer.status_code} {answer.text[:300]}")
    return answer.json()


def _loaded(orders):
    return orders * MAX_QTY_PER_ORDER + 100


def load_stock(suite, orders):
    """入库: enough of every catalogue SKU for every order (nothing waits for stock)."""
    token = suite.token("BENCH-STOCK", "warehouse")
    qty = _loaded(orders)
    _post(suite.url("picking_packing", "/stock/receipts"), token,
          {"lines": [{"sku": sku, "qty": qty} for sku, *_ in CATALOGUE], "reference": "benchmark"})


def load_waybill_ranges(suite, orders):
    """One range per carrier, a number for every order and well above the low-stock alert."""
    token = suite.token("BENCH-OPS", "warehouse")
    size = orders + 1000
    for carrier, (number_format, prefix) in RANGES.items():
        _post(suite.url("shipping_labels", "/waybill-ranges"), token, {
            "carrier": carrier, "first_number": number_format.compose(prefix, 1),
            "last_number": number_format.compose(prefix, size)})


def stock_problems(suite, orders, stages):
    """Shipped goods left the shelves exactly once; the rest is still reserved (no duplicate effects)."""
    on_hand, reserved = Counter(), Counter()
    for event in orders:
        reached = stages.get(event["order"]["order_no"], {})
        for line in event["order"]["lines"]:
            if "shipped" in reached:
                on_hand[line["sku"]] += line["qty"]
            elif "reserved" in reached:
                reserved[line["sku"]] += line["qty"]
    token = suite.token("BENCH-STOCK", "warehouse")
    answer = requests.get(suite.url("picking_packing", "/stock?limit=500"), timeout=30,
                          headers={"Authorization": f"Bearer {token}"})
    problems = []
    for item in answer.json()["stock"]:
        want = (_loaded(len(orders)) - on_hand[item["sku"]], reserved[item["sku"]])
        if (item["on_hand"], item["reserved"]) != want:
            problems.append(f"stock {item['sku']}: on hand {item['on_hand']}, reserved {item['reserved']}; "
                            f"expected {want[0]} and {want[1]}")
    return problems
