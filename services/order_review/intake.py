"""An order arriving (storefront `order_placed`, after-sales `replacement_ordered`): the service's main
path, read top-down in `receive_order`.

One customer's orders are reviewed one at a time. An order_no received before is a repeat
(`_arrived_again`). A new order is put to the rules (`rules.review`, with what earlier orders say about
its customer), whose verdict is its holds; then it is recorded and published here: held for a person
(`order_held`), or, with no hold, approved straight to the warehouse (`order_approved`, reviewer `auto`).
"""
import hashlib
import json

from contracts.base import schema
from contracts.storefront import Order
from services.order_review import blacklist, events, review, rules, storage
from services.order_review.models import APPROVED, AUTO, HELD, ReviewOrder
from shared.errors import PermanentFailure


def receive_order(uow, order, settings, now):
    """`order` is the loaded storefront order; `now` is its arrival (the decision clock starts).
    Returns the order_no."""
    session = uow.session
    stored = schema(Order).dump(order)
    storage.lock_customer(session, order["customer"]["customer_id"], now)
    if storage.order_known(session, order["order_no"]):
        return _arrived_again(uow, order["order_no"], stored, now)
    columns = _columns(order, stored, now)
    holds = rules.review(order, customer_history(session, columns, settings), settings)
    if holds:
        _hold(uow, columns, holds, now)
    else:
        _approve(uow, columns, order, now)
    return columns["order_no"]


def customer_history(session, columns, settings):
    """What earlier orders say about the customer of a new order (`columns`: its ReviewOrder columns)."""
    refusals = 0
    if columns["order"]["payment"]["method"] == "cod":   # only COD_RISK reads them, and only for a COD order
        refusals = storage.cod_refusals(session, columns["customer_id"])
    window = settings.duplicate_window
    same_goods = storage.same_goods_orders(
        session, columns["customer_id"], columns["goods_key"], columns["order_no"],
        # An exchange's replacement repeats the original's goods on purpose.
        original=columns["replacement_of"] or columns["order_no"],
        earliest=columns["placed_at"] - window, latest=columns["placed_at"] + window)
    listed = storage.blacklisted(session, blacklist.order_values(columns["order"]))
    return rules.CustomerHistory(cod_refusals=refusals, same_goods_orders=same_goods, blacklisted=listed)


def _hold(uow, columns, holds, now):
    """Some rule fired: the order is written held, with its holds, and order_held says why."""
    record = ReviewOrder(status=HELD, **columns)
    uow.session.add(record)
    uow.session.flush()   # the order row is written before the holds that refer to it
    uow.session.add_all(storage.hold_rows(record.order_no, holds, now))
    uow.publish("order_held", events.held(record, holds, now), aggregate_id=record.order_no)


def _approve(uow, columns, order, now):
    """No rule fired: the order goes straight to the warehouse. The hottest path of the service, so no
    ORM objects: one INSERT writes the order already approved, one its decision; order_approved carries
    the loaded `order`."""
    order_no = columns["order_no"]
    storage.insert_order(uow.session, {**columns, "status": APPROVED, "decided_at": now,
                                       "claimed_by": None, "claim_expires_at": None})
    seconds = review.seconds_to_decision(columns["received_at"], now)
    storage.record_decision(uow.session, order_no, APPROVED, AUTO, now, seconds)
    uow.publish("order_approved", events.approved(order, AUTO, now, seconds), aggregate_id=order_no)


def _arrived_again(uow, order_no, stored, now):
    """The same order_no again (another event_id): one order. The same content changes nothing; a
    different one is held for the reviewer while the order is held, and refused (dead-lettered, nothing
    stored) once review has decided: the warehouse may be working on the first version by then."""
    existing = review.lock_order(uow.session, order_no)
    if _content_hash(stored) != existing.content_hash:
        if existing.status != HELD:
            raise PermanentFailure(rules.conflict_after_decision(existing.order, stored, existing.status))
        review.place_holds(uow, existing, [rules.conflict_hold(existing.order, stored)], now)
    return order_no


def _columns(order, stored, now):
    """A new order's ReviewOrder columns: the order as received (`stored`: its JSON), when, and the keys
    the duplicate check and a repeat's comparison read."""
    return dict(order_no=order["order_no"], customer_id=order["customer"]["customer_id"], total=order["total"],
                placed_at=order["placed_at"], received_at=now, order=stored, goods_key=rules.goods_key(order["lines"]),
                content_hash=_content_hash(stored), replacement_of=order.get("replacement_of"))


def _content_hash(stored):
    """Of the order as received; no chosen courier hashes as before the field existed (issue #23), so an
    order received before it, arriving again, is still the same order."""
    if stored.get("courier", ...) is None:
        stored = {key: value for key, value in stored.items() if key != "courier"}
    return hashlib.sha256(json.dumps(stored, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


content_hash = _content_hash   # a split's backorder is recorded with one too (split.py, issue #23)
