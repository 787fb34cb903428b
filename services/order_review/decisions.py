"""A reviewer's decisions on an order: claim it, release holds, approve, reject, correct the address.

Every action first takes (or renews) the actor's claim with one conditional UPDATE (`storage.claim`), so two
reviewers can never act on one order at once; a live claim of someone else answers 409. A decision
then applies only before the warehouse starts (`review.ensure_review_decides`); after that it is 409
`warehouse_started` and the claim is not kept (the unit of work rolls back). A correction is taken until
the hand-over (`review.ensure_correctable`): shipping re-routes or reprints the label until then.
"""
from contracts.base import schema
from contracts.storefront import Order, OrderLine
from services.order_review import blacklist, events, review, rules, storage
from services.order_review.models import BY_APPROVAL, BY_CORRECTION, HELD, Correction, GoodsChange
from shared.errors import Conflict, RuleViolation
from shared.timeutil import to_iso

CORRECTABLE = ("recipient", "phone", "province", "city", "district", "line1", "postcode")
KEEP = object()   # approve: the courier stays as the order has it


def claim(uow, order_no, staff_id, now, settings):
    """Take the order for `settings.claim_ttl`; the actor's own claim is renewed."""
    taken = storage.claim(uow.session, order_no, staff_id, now, until=now + settings.claim_ttl)
    record = review.lock_order(uow.session, order_no)
    if not taken:
        raise Conflict(f"order {order_no} is being reviewed by {record.claimed_by} until "
                       f"{to_iso(record.claim_expires_at)}", code="claimed_by_other",
                       holder=record.claimed_by, expires_at=to_iso(record.claim_expires_at))
    return record


def _decide_on(uow, order_no, staff_id, now, settings):
    """The order, claimed by the actor, if review may still decide on it."""
    record = claim(uow, order_no, staff_id, now, settings)
    review.ensure_review_decides(uow.session, record)
    return record


def unclaim(uow, order_no, staff_id):
    if not storage.unclaim(uow.session, order_no, staff_id):
        review.lock_order(uow.session, order_no)   # 404 for an unknown order
        raise Conflict(f"you hold no claim on order {order_no}", code="not_claimed")


def release_hold(uow, order_no, staff_id, code, now, settings):
    if code in rules.NOT_RELEASABLE_BY_STAFF:
        raise RuleViolation(f"{code} is released when the warehouse reserves the goods", code="not_releasable")
    record = _decide_on(uow, order_no, staff_id, now, settings)
    review.release_hold(uow, record, code, staff_id, now)
    return record


def approve(uow, order_no, staff_id, reason, courier=KEEP, *, now, settings):
    """Release every hold a person may release; a held order then goes to the warehouse. Overruling a
    hold is a person's decision: it takes a reason, kept with who and when (the decision's record).
    `courier`: ship with this courier instead of the buyer's choice (None: shipping chooses), kept as a
    correction of the order's `courier`."""
    record = _decide_on(uow, order_no, staff_id, now, settings)
    if courier is not KEEP:
        _choose_courier(uow, record, courier, staff_id, now, settings)
    releasable = [hold.code for hold in storage.open_holds(uow.session, order_no)
                  if hold.code not in rules.NOT_RELEASABLE_BY_STAFF]
    if record.status != HELD and not releasable:
        raise Conflict(f"order {order_no} is already approved and waits for its goods; it goes on when the "
                       "warehouse reserves them", code="already_approved")
    if releasable and not reason:
        raise RuleViolation(f"order {order_no} still has holds ({', '.join(releasable)}): approving it over "
                            "them takes a reason", code="reason_required", holds=releasable,
                            fields={"reason": ["required while holds remain"]})
    for code in releasable:
        review.release_hold(uow, record, code, staff_id, now, how=BY_APPROVAL, reason=reason)
    if record.status == HELD:
        review.approve(uow, record, staff_id, now, reason)
    return record


def _choose_courier(uow, record, courier, staff_id, now, settings):
    """The reviewer's courier for the approval: one the tariff allows for the parcel (422 naming the field
    otherwise), or None for shipping's own choice. The buyer's own choice is kept as it is (approving over
    COURIER_NOT_SERVED takes a reason)."""
    before = record.order.get("courier")
    if courier == before:
        return
    if record.status != HELD:
        raise Conflict(f"order {record.order_no} is already approved: its courier went with the approval",
                       code="already_approved")
    if courier is not None:
        problems = rules.courier_problems(courier, record.order, settings)
        if problems:
            raise RuleViolation(f"{courier} can't take the parcel of order {record.order_no}: {', '.join(problems)}",
                                code="courier_not_served", courier=courier, problems=problems,
                                fields={"courier": problems})
    uow.session.add(Correction(order_no=record.order_no, field="courier", before=before or "", after=courier or "",
                               reviewer=staff_id, corrected_at=now))
    record.order = {**record.order, "courier": courier}
    if storage.has_open_hold(uow.session, record.order_no, rules.COURIER_NOT_SERVED):   # its cause is gone
        storage.release_hold(uow.session, record.order_no, rules.COURIER_NOT_SERVED, staff_id, now, BY_CORRECTION)


def change_goods(uow, order_no, staff_id, lines, reason, now, settings):
    """Change an order's goods (another SKU, another quantity) while review still decides (held, or approved and
    waiting for its goods): kept with the lines before and after, who, when and why. The rules that read the
    goods run again (amounts, the chosen courier's weight): on a held order a hold whose cause is gone clears
    itself and a new one holds it; an approved order can't be held (422 `goods_change_fails_review`), and
    the warehouse is told (order_goods_changed). Once the warehouse started: 409 `warehouse_started`."""
    record = _decide_on(uow, order_no, staff_id, now, settings)
    after = schema(OrderLine, many=True).dump(lines)
    before = record.order["lines"]
    if after == before:
        raise RuleViolation("nothing changes: the goods are those already on the order", code="no_change",
                            fields={"lines": ["the same as on the order"]})
    changed = {**record.order, "lines": after}
    firing = rules.recheck_goods(schema(Order).load(changed), settings)
    if firing and record.status != HELD:
        raise RuleViolation(f"order {order_no} is with the warehouse and can't be held: "
                            + " ".join(hold.message for hold in firing), code="goods_change_fails_review",
                            holds=[{"code": hold.code, "params": hold.params} for hold in firing],
                            fields={"lines": ["fails review"]})
    change = GoodsChange(order_no=order_no, before=before, after=after, reviewer=staff_id, changed_at=now,
                         reason=reason)
    uow.session.add(change)
    record.order, record.goods_key = changed, rules.goods_key(after)   # a new dict: JSON columns track assignment
    if record.status == HELD:
        review.recheck_after_correction(uow, record, firing, staff_id, now, codes=rules.GOODS_CODES)
    else:   # approved, waiting for its goods: the pick list follows, or refuses once a scan came first
        uow.session.flush()
        uow.publish("order_goods_changed", events.goods_changed(record, change), aggregate_id=order_no)
    return record


def reject(uow, order_no, staff_id, reason, now, settings):
    record = _decide_on(uow, order_no, staff_id, now, settings)
    review.reject(uow, record, staff_id, reason, now)
    return record


def correct(uow, order_no, staff_id, new_values, now, settings):
    """Change recipient, phone or address fields until the hand-over; each change is kept (before, after,
    who, when) and the rules that read them run again (`review.recheck_after_correction`). An order already
    with the warehouse can't be held any more: a correction that would hold it is refused, naming the fields."""
    record = claim(uow, order_no, staff_id, now, settings)
    review.ensure_correctable(record)
    address = dict(record.order["shipping_address"])
    changes = [Correction(order_no=order_no, field=field, before=address[field], after=value,
                          reviewer=staff_id, corrected_at=now)
               for field, value in new_values.items() if address[field] != value]
    if not changes:
        raise RuleViolation("nothing changes: the values are those already on the order", code="no_change")
    address.update({change.field: change.after for change in changes})
    corrected = {**record.order, "shipping_address": address}
    firing = rules.recheck_contact(corrected) + _newly_blacklisted(uow.session, record.order, corrected)
    if firing and record.status != HELD:
        raise RuleViolation(f"order {order_no} is with the warehouse and can't be held: "
                            + " ".join(hold.message for hold in firing), code="correction_fails_review",
                            holds=[{"code": hold.code, "params": hold.params} for hold in firing],
                            fields={field: ["fails review"] for field in _fields_of(firing, new_values)})
    record.order = corrected   # a new dict: JSON columns track assignment
    uow.session.add_all(changes)
    uow.publish("order_corrected", events.corrected(record, changes, staff_id, now), aggregate_id=order_no)
    review.recheck_after_correction(uow, record, firing, staff_id, now)
    return changes


def _newly_blacklisted(session, before, corrected):
    """BLACKLISTED for a listed phone or address the correction brought in ([] if none). A correction never
    clears the hold (a person releases it), and what the order named before was decided on already."""
    was = {entry.id for entry in storage.blacklisted(session, blacklist.order_values(before))}
    new = [entry for entry in storage.blacklisted(session, blacklist.order_values(corrected)) if entry.id not in was]
    return [rules.blacklisted(corrected, rules.CustomerHistory(blacklisted=new), None)] if new else []


def _fields_of(holds, sent):
    """The sent fields a failing hold is about (all of them when it names none of them)."""
    named = set()
    for hold in holds:
        params = hold.params
        named |= {"phone"} if hold.code == rules.BAD_PHONE else set(params.get("missing", []))
        named |= {item["part"] for item in params.get("implausible", [])}
    return sorted(named & set(sent)) or sorted(sent)
