"""The automatic review (审单, business-rules §2): each rule that fires puts a hold on the order.

Plain functions over the storefront order (loaded: Decimals, datetimes) and what we know of
the customer; no database here, so every rule is tested as a table.
"""
import hashlib
from collections import Counter
from dataclasses import dataclass, field

from services.order_review.contact import address_findings, address_problems, phone_problem
from shared.timeutil import to_iso

BUYER_REMARK = "BUYER_REMARK"
BAD_PHONE = "BAD_PHONE"
INCOMPLETE_ADDRESS = "INCOMPLETE_ADDRESS"
AMOUNT_MISMATCH = "AMOUNT_MISMATCH"
COD_RISK = "COD_RISK"
POSSIBLE_DUPLICATE = "POSSIBLE_DUPLICATE"
CONFLICTING_ORDER = "CONFLICTING_ORDER"
OUT_OF_STOCK = "OUT_OF_STOCK"
COURIER_NOT_SERVED = "COURIER_NOT_SERVED"
BLACKLISTED = "BLACKLISTED"
CODES = (BUYER_REMARK, BAD_PHONE, INCOMPLETE_ADDRESS, AMOUNT_MISMATCH, COD_RISK, POSSIBLE_DUPLICATE,
         CONFLICTING_ORDER, OUT_OF_STOCK, COURIER_NOT_SERVED, BLACKLISTED)

# Released by the warehouse's stock, not by a person (picking & packing owns stock).
NOT_RELEASABLE_BY_STAFF = frozenset({OUT_OF_STOCK})


@dataclass(frozen=True)
class Hold:
    """`message` is the English sentence (logs, older readers); `code` and `params` are what screens render."""
    code: str
    message: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class CustomerHistory:
    """What earlier orders say about this one's customer."""
    cod_refusals: int = 0
    same_goods_orders: list = field(default_factory=list)   # [(order_no, placed_at)] inside the window
    blacklisted: list = field(default_factory=list)   # the listed entries the order names (BlacklistEntry)


def goods_key(lines):
    """The same goods in any line order or split give the same key."""
    counts = Counter()
    for line in lines:
        counts[line["sku"]] += line["qty"]
    text = ";".join(f"{sku}x{qty}" for sku, qty in sorted(counts.items()))
    return hashlib.sha256(text.encode()).hexdigest()


def buyer_remark(order, history, settings):
    remark = (order.get("buyer_remark") or "").strip()
    if remark:
        return Hold(BUYER_REMARK, f"The buyer wrote: \u201c{remark}\u201d. Read it: the address, "
                                  "phone or goods may need changing.", {"remark": remark})


def bad_phone(order, history, settings):
    problem = phone_problem(order["shipping_address"]["phone"])
    if problem:
        return Hold(BAD_PHONE, f"Recipient phone {problem}; the courier could not call.",
                    {"phone": order["shipping_address"]["phone"] or ""})


def incomplete_address(order, history, settings):
    address = order["shipping_address"]
    problems = address_problems(address)
    if problems:
        findings = address_findings(address)
        return Hold(INCOMPLETE_ADDRESS, "Shipping address: " + "; ".join(problems) + ".", {
            "missing": [part for part, kind, _ in findings if kind == "missing"],
            "implausible": [{"part": part, "value": value} for part, kind, value in findings if kind == "implausible"]})


def amount_mismatch(order, history, settings):
    goods = sum(line["unit_price"] * line["qty"] for line in order["lines"])
    problems = []
    if goods + order["shipping_fee"] != order["total"]:
        problems.append(f"lines {goods:.2f} + shipping {order['shipping_fee']:.2f} "
                        f"\u2260 total {order['total']:.2f}")
    payment = order["payment"]
    if payment["method"] == "prepaid" and payment["paid_amount"] != order["total"]:
        problems.append(f"paid {payment['paid_amount']:.2f} \u2260 total {order['total']:.2f}")
    if problems:
        return Hold(AMOUNT_MISMATCH, "Amounts do not add up: " + "; ".join(problems) + ".", {
            "lines": f"{goods:.2f}", "shipping": f"{order['shipping_fee']:.2f}", "total": f"{order['total']:.2f}",
            "paid": f"{payment['paid_amount']:.2f}" if payment["method"] == "prepaid" else None})


def cod_risk(order, history, settings):
    if order["payment"]["method"] != "cod":
        return None
    reasons, params = [], {}
    if order["total"] > settings.cod_risk_amount:
        reasons.append(f"{order['total']:.2f} to collect is over the {settings.cod_risk_amount:.2f} limit")
        params.update(amount=f"{order['total']:.2f}", limit=f"{settings.cod_risk_amount:.2f}")
    if history.cod_refusals >= settings.cod_refusals_for_risk:
        reasons.append(f"the customer refused {history.cod_refusals} earlier COD parcel(s)")
        params.update(refusals=history.cod_refusals)
    if reasons:
        return Hold(COD_RISK, "Cash on delivery: " + "; ".join(reasons) + ".", params)


def possible_duplicate(order, history, settings):
    if history.same_goods_orders:
        others = ", ".join(f"{no} (placed {to_iso(at)})" for no, at in history.same_goods_orders)
        hours = settings.duplicate_window.total_seconds() / 3600
        return Hold(POSSIBLE_DUPLICATE, f"Same customer ordered the same goods within {hours:g} h: {others}.", {
            "hours": f"{hours:g}", "orders": [{"order_no": no, "placed_at": to_iso(at)}
                                              for no, at in history.same_goods_orders]})


def courier_not_served(order, history, settings):
    """The buyer chose a courier (指定快递, 001 3.5) the tariff does not allow for this parcel."""
    chosen = order.get("courier")
    if not chosen:
        return None
    problems = courier_problems(chosen, order, settings)
    if problems:
        weight = order_weight_g(order)
        return Hold(COURIER_NOT_SERVED, f"The buyer chose {chosen}, which can't take this parcel: "
                                         f"{', '.join(problems)} ({order['shipping_address']['province']}, "
                                         f"{weight} g, {order['payment']['method']}).",
                    {"courier": chosen, "problems": problems, "province": order["shipping_address"]["province"],
                     "weight_g": weight, "cod": order["payment"]["method"] == "cod"})


def order_weight_g(order):
    """The goods' weight (the parcel's before packing)."""
    return sum(line["unit_weight_g"] * line["qty"] for line in order["lines"])


def courier_problems(courier, order, settings):
    """Why `courier` can't take the order's parcel, as the tariff's carrier data in the settings says
    (`unknown`, `cod`: it collects no cash, `remote`: it does not reach the province, `weight`: too heavy);
    [] when it can."""
    spec = settings.couriers.get(courier)
    if spec is None:
        return ["unknown"]
    problems = []
    if order["payment"]["method"] == "cod" and not spec.get("collects_cash", False):
        problems.append("cod")
    if (order["shipping_address"]["province"] or "").startswith(tuple(settings.remote_provinces)) and not spec.get(
            "reaches_remote", False):
        problems.append("remote")
    if "max_weight_g" in spec and order_weight_g(order) > spec["max_weight_g"]:
        problems.append("weight")
    return problems


def blacklisted(order, history, settings):
    """The order names a listed phone, address or customer (the entries found: `history.blacklisted`)."""
    if history.blacklisted:
        found = [{"kind": entry.kind, "value": entry.shown, "reason": entry.reason, "listed_by": entry.listed_by}
                 for entry in history.blacklisted]
        named = "; ".join(f"{item['kind']} {item['value']} ({item['reason']})" for item in found)
        return Hold(BLACKLISTED, f"The order names what is blacklisted: {named}.", {"matches": found})


RULES = (buyer_remark, bad_phone, incomplete_address, amount_mismatch, cod_risk, possible_duplicate,
         courier_not_served, blacklisted)
# What a reviewer's correction (recipient, phone, address) can change: these rules run again after one.
CORRECTABLE_RULES = (bad_phone, incomplete_address)
CORRECTABLE_CODES = (BAD_PHONE, INCOMPLETE_ADDRESS)


# What a change of goods can change: these rules run again after one.
GOODS_RULES = (amount_mismatch, courier_not_served)
GOODS_CODES = (AMOUNT_MISMATCH, COURIER_NOT_SERVED)


def recheck_goods(order, settings):
    """The holds the order with its changed goods gives now (`order` loaded: Decimals)."""
    return [hold for hold in (rule(order, None, settings) for rule in GOODS_RULES) if hold]


def recheck_contact(order):
    """The holds the corrected order's recipient, phone and address give now (they read nothing else)."""
    return [hold for hold in (rule(order, None, None) for rule in CORRECTABLE_RULES) if hold]


def review(order, history, settings):
    """The holds an order gets on arrival; none means it goes straight to the warehouse."""
    return [hold for hold in (rule(order, history, settings) for rule in RULES) if hold]


def _differing(first, second):
    return ", ".join(sorted(key for key in set(first) | set(second) if first.get(key) != second.get(key)))


def conflict_hold(first, second):
    """The same order_no came again with different content, while the order is still under review."""
    return Hold(CONFLICTING_ORDER, f"Order {first['order_no']} arrived again with different "
                                   f"{_differing(first, second)}; check with the storefront which one is right.",
                {"order_no": first["order_no"], "fields": _differing(first, second).split(", ")})


def conflict_after_decision(first, second, status):
    """The same order_no came again with different content after review decided (`status`): too late
    for a hold, so the reason the message is refused (a dead letter); the first version stands."""
    after = ("it is with the warehouse: a change now is an after-sales matter; the first version stands"
             if status == "approved" else "the rejection stands")
    return (f"order {first['order_no']} arrived again with different {_differing(first, second)}, but review "
            f"already {status} it: {after}")


def out_of_stock_hold(short):
    items = "; ".join(f"{s['sku']} needs {s['needed']}, {s['available']} available" for s in short)
    return Hold(OUT_OF_STOCK, f"Out of stock: {items}. Released when the warehouse reserves the goods.",
                {"short": [{"sku": s["sku"], "needed": s["needed"], "available": s["available"]} for s in short]})
