"""Packing and weighing (打包, 称重): a parcel far from its expected weight is held for re-check
(business rules §3), until it is re-weighed inside tolerance or a supervisor accepts it with a reason."""
from services.picking_packing import duties, merging, pick_lists
from services.picking_packing.status import HELD, NEXT_STEP, PACKED, PICKED, PICKING, READY, WAITING
from services.picking_packing.storage import pick_lists as stored
from shared.errors import Conflict
from shared.timeutil import utcnow


def pack(uow, scan, staff_id, settings, now):
    """A pack scan: the parcel is weighed; inside tolerance it is packed, outside it is held.
    (packed?, the answer): a held parcel's answer says why, and the window it must fall in."""
    sheet = merging.locked_for_packing(uow.session, scan["order_no"])
    if sheet.status in (WAITING, READY, PICKING):
        raise pick_lists.refusal(sheet, "incomplete_pick", "not every line is picked",
                                 missing=pick_lists.remaining(sheet))
    if sheet.status not in (PICKED, HELD):
        raise pick_lists.refusal(sheet, "not_packable", f"the pick list is {sheet.status}")
    weight, station = scan["weight_g"], scan["station_id"]
    # A merged order (合单) is packed with its group's: one parcel, the goods of all, the packaging once.
    expected = merging.expected_weight_g(sheet, merging.others_to_pack(uow.session, sheet), settings)
    low, high = settings.tolerance.expected_range(expected)
    accepted = settings.tolerance.accepts(expected, weight)   # the rule itself, not a copy
    _audit(uow, sheet.order_no, weight, (low, high), accepted, staff_id, station, now)
    weighed = {"packer": staff_id, "station_id": station, "weight_g": weight}
    if accepted:
        mark_packed(uow, sheet, now, settings, **weighed)
        return True, {"result": "packed", "weight_g": weight, **pick_lists.progress(sheet)}
    pick_lists.save(uow.session, sheet, status=HELD, **weighed)
    uow.publish("parcel_weight_mismatch", {
        "order_no": sheet.order_no, "weight_g": weight, "expected_weight_g": expected,
        "expected_min_g": low, "expected_max_g": high, "packer": staff_id, "station_id": station,
        "weighed_at": now}, aggregate_id=sheet.order_no)
    return False, {"error": "weight_mismatch", "message": f"{weight} g is outside {low}–{high} g",
                   "weight_g": weight, "expected_min_g": low, "expected_max_g": high,
                   **pick_lists.progress(sheet)}


def override_weight(uow, order_no, supervisor, reason, settings):
    """A supervisor accepts a held parcel's last weight, with a reason (audited in weight_checks)."""
    sheet = merging.locked_for_packing(uow.session, order_no)
    if sheet.status != HELD:
        # Not a scan answer: keep the error body's own keys apart from the pick list's.
        raise Conflict(f"the pick list is {sheet.status}, not held for re-check", code="not_held",
                       pick_list_status=sheet.status, next=NEXT_STEP[sheet.status])
    duties.check_weight_acceptor(stored.weighers(uow.session, order_no), order_no, supervisor)
    now = utcnow()
    _audit(uow, order_no, sheet.weight_g, stored.last_window(uow.session, order_no), True, supervisor,
           sheet.station_id, now, override_reason=reason)
    mark_packed(uow, sheet, now, settings, override_by=supervisor, override_reason=reason)
    return sheet


def mark_packed(uow, sheet, now, settings, override_by=None, override_reason=None, **weighed):
    """Packed: `weighed` holds the packer, station and weight when this scan weighed it. A merged order's
    group is packed with it: one parcel_packed naming the other orders (`merged_orders`)."""
    pick_lists.save(uow.session, sheet, status=PACKED, packed_at=now, **weighed)
    merged, expected = merging.packed_together(uow, sheet, now, settings)
    uow.publish("parcel_packed", {
        "order_no": sheet.order_no, "weight_g": sheet.weight_g, **({"merged_orders": merged} if merged else {}),
        "expected_weight_g": expected, "packer": sheet.packer,
        "station_id": sheet.station_id or "", "packed_at": now,
        "override_by": override_by, "override_reason": override_reason}, aggregate_id=sheet.order_no)


def _audit(uow, order_no, weight, expected, accepted, by, station, now, override_reason=None):
    stored.record_weighing(uow.session, order_no=order_no, weight_g=weight, expected_min_g=expected[0],
                           expected_max_g=expected[1], accepted=accepted, by=by, station_id=station,
                           override_reason=override_reason, at=now)
