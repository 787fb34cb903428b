"""Merging orders (合单, issue #23): orders of one buyer to one address, from one warehouse, placed within
MERGE_WINDOW_MINUTES of each other (inclusive), prepaid and not yet picked, are packed as one parcel; an order
may join a merged group whose orders are all not yet picked, on the same terms.

Offers are worked out when asked (`offers`), a supervisor merges them (`merge`), or, with MERGE_AUTOMATIC, an
arriving order is merged with the offer it completes (`merge_on_arrival`), and every MERGE_ROUNDS_SECONDS the
offers standing (orders ready after waiting for stock) are merged too (`standing_offers`, `merge_standing`). A
group is dissolved, whole, when one of its orders is cancelled or rejected, its goods or its address change
(`dissolve`): the others pack alone and may be offered again. A supervisor may split a group by hand before it
is packed (`unmerge`, 拆开): its orders pack alone and are not offered or merged automatically again. Packing one
order of a group packs the group (`packed_together`): one parcel, one parcel_packed naming the other orders in
`merged_orders`."""
from dataclasses import dataclass
from datetime import timedelta

from services.picking_packing import pick_lists
from services.picking_packing.status import CANCELLED, HELD, PACKED, PICKED, READY, WAITING
from services.picking_packing.storage import merges as stored
from services.picking_packing.storage import pick_lists as stored_lists
from shared.addresses import address_key, phone_key
from shared.errors import Conflict, NotFound

AUTO = "auto"
UNMERGED = "unmerged"   # a group's dissolved_reason when a person split it: "unmerged: <staff>: <reason>"
MAX_ORDERS = 20


@dataclass(frozen=True)
class Candidate:
    """An order as merging sees it."""
    order_no: str
    customer_id: str
    address_key: str
    phone_key: str
    payment_method: str
    placed_at: object
    status: str
    warehouse: object = None
    group_id: object = None


def _candidate(row):
    return Candidate(row.order_no, row.customer_id, row.address_key, row.phone_key, row.payment_method,
                     row.placed_at, row.status, row.warehouse, row.group_id)


def within(placed, window_minutes):
    """True when the orders were placed at most `window_minutes` apart (the boundary is inside)."""
    return max(placed) - min(placed) <= timedelta(minutes=window_minutes)


def refusal(candidates, window_minutes, extending=None):
    """Why these orders can't be merged: (code, order_no it concerns, message), or None. Buyer, address and
    warehouse are compared with the first order's. `extending`: the merged group the orders extend, whose own
    orders are not refused as already merged."""
    first = candidates[0]
    checks = (
        ("merge_cancelled", lambda c: c.status == CANCELLED, "is cancelled"),
        ("merge_waiting_stock", lambda c: c.status == WAITING, "waits for stock"),
        ("merge_already_picking", lambda c: c.status != READY, "is already being picked or packed"),
        ("merge_already_merged", lambda c: c.group_id is not None and c.group_id != extending, "is already merged"),
        ("merge_cod", lambda c: c.payment_method != "prepaid", "is cash on delivery (COD orders are not merged)"),
        ("merge_different_buyer", lambda c: c.customer_id != first.customer_id, "is another buyer's"),
        ("merge_different_address", lambda c: (c.address_key, c.phone_key) != (first.address_key, first.phone_key),
         "goes to another address"),
        ("merge_different_warehouse", lambda c: c.warehouse != first.warehouse, "ships from another warehouse"),
    )
    for code, fails, why in checks:
        for candidate in candidates:
            if fails(candidate):
                return code, candidate.order_no, f"order {candidate.order_no} {why}"
    if not within([c.placed_at for c in candidates], window_minutes):
        latest = max(candidates, key=lambda c: c.placed_at)
        return ("merge_outside_window", latest.order_no,
                f"the orders were placed more than {window_minutes} minutes apart")
    return None


def offers(candidates, window_minutes, groups=None):
    """What may be merged, in placing order: each merged group whose orders are all still open (`groups`: {group
    id: its orders as candidates}) with the open orders that may join it (same buyer, address, phone and
    warehouse, prepaid, the whole within the window); then, of the open orders left, per buyer, address and
    warehouse, as many as fall within the window from the first (2 or more). A group is never offered alone."""
    groups, joined, found = groups or {}, set(), []
    loose = [c for c in sorted(candidates, key=lambda c: (c.placed_at, c.order_no))
             if c.status == READY and c.group_id is None and c.payment_method == "prepaid"]
    for members in groups.values():
        joining = []
        for candidate in loose:
            if (candidate.order_no not in joined and _key(candidate) == _key(members[0])
                    and len(members) + len(joining) < MAX_ORDERS
                    and within([c.placed_at for c in (*members, *joining, candidate)], window_minutes)):
                joining.append(candidate)
        if joining:
            joined.update(c.order_no for c in joining)
            found.append(sorted((*members, *joining), key=lambda c: (c.placed_at, c.order_no)))
    buckets = {}
    for candidate in loose:
        if candidate.order_no not in joined:
            buckets.setdefault(_key(candidate), []).append(candidate)
    for orders in buckets.values():
        while orders:
            offer = [c for c in orders if within([orders[0].placed_at, c.placed_at], window_minutes)]
            if len(offer) > 1:
                found.append(offer)
            orders = orders[len(offer):]
    return sorted(found, key=lambda offer: offer[0].placed_at)


def _key(candidate):
    return candidate.customer_id, candidate.address_key, candidate.phone_key, candidate.warehouse


def _open_groups(session, candidates):
    """{group id: its orders as candidates} of the merged groups whose orders are all among `candidates` (open)."""
    by_order = {c.order_no: c for c in candidates}
    groups = stored.members(session, {c.group_id for c in candidates if c.group_id is not None})
    return {group_id: [by_order[o] for o in order_nos] for group_id, order_nos in groups.items()
            if all(o in by_order for o in order_nos)}


def _open_offers(session, settings, customer_id=None):
    candidates = [_candidate(row) for row in stored.open_candidates(session, (READY,), customer_id)]
    return offers(candidates, settings.merge_window_minutes, _open_groups(session, candidates))


def remember(uow, approved):
    """An approved order's merge facts: its buyer, normalised address and phone, payment, placing time."""
    address = approved["shipping_address"]
    stored.remember(uow.session, {
        "order_no": approved["order_no"], "customer_id": approved["customer_id"],
        "address_key": address_key(address)[:600], "phone_key": phone_key(address["phone"])[:40],
        "payment_method": approved["payment_method"], "placed_at": approved["placed_at"]})


def listed_offers(session, settings):
    """The offers as the API shows them; an order already in a group says which (`group_id`)."""
    return [{"customer_id": offer[0].customer_id, "warehouse": offer[0].warehouse,
             "group_id": next((c.group_id for c in offer if c.group_id is not None), None),
             "orders": [{"order_no": c.order_no, "placed_at": c.placed_at, "group_id": c.group_id} for c in offer]}
            for offer in _open_offers(session, settings)]


def merge(uow, order_nos, by, settings, now):
    """Merge the orders into one parcel, or refuse (Conflict with the reason's code and the order). Naming every
    order of one merged group and orders to join it extends that group. The pick lists are locked first (in
    order-number order), so a scan and a merge of the same order take turns."""
    session, named, order_nos = uow.session, list(dict.fromkeys(order_nos)), sorted(set(order_nos))
    for order_no in order_nos:
        if stored_lists.locked(session, order_no) is None:
            raise NotFound(f"no pick list for order {order_no}", code="unknown_order", order_no=order_no)
    candidates = {row.order_no: _candidate(row) for row in stored.candidates(session, order_nos)}
    unknown = [order_no for order_no in order_nos if order_no not in candidates]
    if unknown:   # cancelled before its approval came: there is nothing to merge
        raise Conflict(f"order {unknown[0]} is cancelled", code="merge_cancelled", order_no=unknown[0])
    extended = _extended_group(session, candidates)
    refused = refusal([candidates[order_no] for order_no in named], settings.merge_window_minutes,
                      extended[0] if extended else None)   # vs the first
    if refused:
        code, order_no, message = refused
        raise Conflict(message, code=code, order_no=order_no)
    if extended:
        joining = [order_no for order_no in order_nos if order_no not in extended[1]]
        stored.add_members(session, extended[0], joining)
        return {"id": extended[0], "status": "merged", "merged_by": by, "orders": order_nos, "joined": joining}
    group_id = stored.create_group(session, order_nos, by, now)
    return {"id": group_id, "status": "merged", "merged_by": by, "orders": order_nos}


def _extended_group(session, candidates):
    """(group id, its orders) when the named orders hold every order of one merged group and others besides."""
    group_ids = {c.group_id for c in candidates.values() if c.group_id is not None}
    if len(group_ids) != 1:
        return None
    group_id = group_ids.pop()
    members = stored.members(session, [group_id]).get(group_id, [])
    if set(members) <= set(candidates) and len(candidates) > len(members):
        return group_id, members
    return None


def merge_on_arrival(uow, order_no, settings, now):
    """MERGE_AUTOMATIC: the arriving order is merged with the offer it belongs to, joining its buyer's merged
    group when it may (None: no offer, or off)."""
    if not settings.merge_automatic:
        return None
    found = stored.candidates(uow.session, [order_no])
    if not found:
        return None
    offer = next((o for o in _open_offers(uow.session, settings, _candidate(found[0]).customer_id)
                  if order_no in [c.order_no for c in o]), None)
    # A refusal (a scan or a cancel came between the offer and the locks) must not fail the order's allocation.
    return merge_standing(uow, [c.order_no for c in offer], settings, now) if offer else None


def standing_offers(session, settings):
    """MERGE_AUTOMATIC's round: the offers standing now (orders that became ready after waiting for stock, which
    no arrival merged), each as its order numbers; none when automatic merging is off."""
    if not settings.merge_automatic:
        return []
    return [[c.order_no for c in offer] for offer in _open_offers(session, settings)]


def merge_standing(uow, order_nos, settings, now):
    """Merge a standing offer, unless a scan, a cancel or another merge changed it since it was read (None). A
    refusal comes before merge writes anything."""
    try:
        return merge(uow, order_nos, AUTO, settings, now)
    except (Conflict, NotFound):   # left as it now stands: the next round works the offers out again
        return None


def dissolve(uow, order_no, reason, now):
    """The order's merged (not yet packed) group is dissolved: each of its orders packs alone again."""
    group = stored.group_of(uow.session, order_no)
    if group is not None:
        stored.close(uow.session, group[0], "merged", "dissolved", dissolved_at=now,
                     dissolved_reason=f"{reason}: {order_no}"[:200])
    return group


def unmerge(uow, group_id, by, reason, now):
    """A person splits a merged group before it is packed: each order packs alone, and none is offered or merged
    automatically again. The group's pick lists are locked first, in order-number order, as a pack scan locks
    them: a pack and a split of one group take turns, and the one that comes second finds the other's result."""
    session = uow.session
    found = stored.group(session, group_id)
    if found is None:
        raise NotFound(f"no merge group {group_id}", code="merge_unknown", group_id=group_id)
    for order_no in found[1]:
        pick_lists.locked(session, order_no)
    status, order_nos = stored.group(session, group_id)   # again, now that no pack scan can change it
    if status != "merged":
        raise Conflict(f"merge group {group_id} is {status}: only a merged group can be split",
                       code="merge_not_standing", group_id=group_id, status=status)
    stored.close(session, group_id, "merged", "dissolved", dissolved_at=now,
                 dissolved_reason=f"{UNMERGED}: {by}: {reason}"[:200])
    stored.keep_apart(session, order_nos, by)
    return {"id": group_id, "status": "dissolved", "orders": order_nos, "dissolved_by": by, "reason": reason}


def goods_changed(uow, sheet, now):
    """Review changed the order's goods: taken (the list is planned again), its group is dissolved; refused
    (picking started), the group stays."""
    return dissolve(uow, sheet.order_no, "goods_changed", now) if sheet.status in (WAITING, READY) else None


def readdressed(uow, corrected, now):
    """Order review corrected the order's address: its merge facts follow and its group is dissolved."""
    address = corrected["shipping_address"]
    stored.readdress(uow.session, corrected["order_no"], address_key(address)[:600], phone_key(address["phone"])[:40])
    return dissolve(uow, corrected["order_no"], "address_changed", now)


def others_to_pack(session, sheet):
    """The other pick lists of the sheet's merged group, locked (order-number order), each picked (or held at
    the scale); a refusal naming those still being picked. [] when the order is not merged."""
    group = stored.group_of(session, sheet.order_no)
    if group is None:
        return []
    others = [pick_lists.locked(session, order_no) for order_no in group[1] if order_no != sheet.order_no]
    unpicked = [{"order_no": other.order_no, "status": other.status} for other in others
                if other.status not in (PICKED, HELD)]
    if unpicked:
        raise pick_lists.refusal(sheet, "merge_incomplete", "the merged orders are not all picked",
                                 merged_orders=unpicked)
    return others


def expected_weight_g(sheet, others, settings):
    """One parcel: the goods of every order, the packaging once."""
    return _parcel_weight(sheet.expected_weight_g, [other.expected_weight_g for other in others], settings)


def _parcel_weight(own, others, settings):
    return own + sum(other - settings.packaging_allowance_g for other in others)


def shown(session, order_no, settings):
    """One pick list as the floor sees it; a merged order's shows the orders packed with it and the weight
    window of their one parcel (what the pack scan will weigh against)."""
    found = pick_lists.shown(session, order_no, settings.tolerance)
    group = stored.group_of(session, order_no)
    if group is None:
        return found
    others = [stored_lists.find(session, other) for other in group[1] if other != order_no]
    low, high = settings.tolerance.expected_range(
        _parcel_weight(found["expected_weight_g"], [other.expected_weight_g for other in others], settings))
    return {**found, "merged_with": [{"order_no": other.order_no, "status": other.status} for other in others],
            "expected_min_g": low, "expected_max_g": high}


def locked_for_packing(session, order_no):
    """The order's pick list, locked for a pack scan or a weight override. A merged order's group is packed
    together, so its pick lists are locked first, all in order-number order: two packers on two orders of one
    group take turns instead of each holding one lock and waiting for the other's."""
    group = stored.group_of(session, order_no)
    members = sorted({*group[1], order_no}) if group else [order_no]
    return {member: pick_lists.locked(session, member) for member in members}[order_no]


def packed_together(uow, sheet, now, settings):
    """The sheet's parcel was packed: the other orders of its group are packed in it.
    ([other order numbers], the parcel's expected weight); ([], the sheet's) when it is not merged."""
    session = uow.session
    group = stored.group_of(session, sheet.order_no)
    if group is None:
        return [], sheet.expected_weight_g
    others = [pick_lists.locked(session, order_no) for order_no in group[1] if order_no != sheet.order_no]
    for other in others:
        pick_lists.save(session, other, status=PACKED, packed_at=now, packer=sheet.packer,
                        station_id=sheet.station_id, weight_g=sheet.weight_g)
    stored.close(session, group[0], "merged", "packed")
    return [other.order_no for other in others], expected_weight_g(sheet, others, settings)


def listing(session, status=None, limit=100):
    return stored.groups(session, status, limit)
