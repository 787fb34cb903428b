"""Packing and weighing (打包, 称重): a parcel far from its expected weight is held for re-check
(business rules §3), until it is re-weighed inside tolerance or a supervisor accepts it with a reason."""
import sqlalchemy as sa

from services.picking_packing import pick_lists
from services.picking_packing.models import WeightCheck
from services.picking_packing.status import HELD, NEXT_STEP, PACKED, PICKED, PICKING, READY, WAITING
from shared.errors import Conflict
from shared.timeutil import utcnow


def pack(uow, scan, staff_id, settings, now):
    """A pack scan: the parcel is weighed; inside tolerance it is packed, outside it is held."""
    pick_list = pick_lists.locked(uow.session, scan["order_no"])
    if pick_list.status in (WAITING, READY, PICKING):
        raise pick_lists.refusal(pick_list, "incomplete_pick", "not every line is picked",
                                 missing=pick_lists.remaining(pick_list))
    if pick_list.status not in (PICKED, HELD):
        raise pick_lists.refusal(pick_list, "not_packable", f"the pick list is {pick_list.status}")
    weight, station = scan["weight_g"], scan["station_id"]
    low, high = settings.tolerance.expected_range(pick_list.expected_weight_g)
    accepted = settings.tolerance.accepts(pick_list.expected_weight_g, weight)
    _audit(uow, pick_list, weight, (low, high), accepted, staff_id, station, now)
    pick_list.packer, pick_list.station_id, pick_list.weight_g = staff_id, station, weight
    if accepted:
        mark_packed(uow, pick_list, now)
        return 200, {"result": "packed", "weight_g": weight, **pick_lists.progress(pick_list)}
    pick_list.status = HELD
    uow.publish("parcel_weight_mismatch", {
        "order_no": pick_list.order_no, "weight_g": weight, "expected_weight_g": pick_list.expected_weight_g,
        "expected_min_g": low, "expected_max_g": high, "packer": staff_id, "station_id": station,
        "weighed_at": now}, aggregate_id=pick_list.order_no)
    return 409, {"error": "weight_mismatch", "message": f"{weight} g is outside {low}–{high} g",
                 "weight_g": weight, "expected_min_g": low, "expected_max_g": high,
                 **pick_lists.progress(pick_list)}


def override_weight(uow, order_no, supervisor, reason):
    """A supervisor accepts a held parcel's last weight, with a reason (audited in weight_checks)."""
    pick_list = pick_lists.locked(uow.session, order_no)
    if pick_list.status != HELD:
        # Not a scan answer: keep the error body's own keys apart from the pick list's.
        raise Conflict(f"the pick list is {pick_list.status}, not held for re-check", code="not_held",
                       pick_list_status=pick_list.status, next=NEXT_STEP[pick_list.status])
    last = uow.session.scalars(sa.select(WeightCheck).where(WeightCheck.order_no == order_no)
                               .order_by(WeightCheck.id.desc()).limit(1)).one()
    now = utcnow()
    _audit(uow, pick_list, pick_list.weight_g, (last.expected_min_g, last.expected_max_g), True, supervisor,
           pick_list.station_id, now, override_reason=reason)
    mark_packed(uow, pick_list, now, override_by=supervisor, override_reason=reason)
    return pick_list


def mark_packed(uow, pick_list, now, override_by=None, override_reason=None):
    pick_list.status, pick_list.packed_at = PACKED, now
    uow.publish("parcel_packed", {
        "order_no": pick_list.order_no, "weight_g": pick_list.weight_g,
        "expected_weight_g": pick_list.expected_weight_g, "packer": pick_list.packer,
        "station_id": pick_list.station_id or "", "packed_at": now,
        "override_by": override_by, "override_reason": override_reason}, aggregate_id=pick_list.order_no)


def _audit(uow, pick_list, weight, expected, accepted, by, station, now, override_reason=None):
    uow.session.add(WeightCheck(order_no=pick_list.order_no, weight_g=weight, expected_min_g=expected[0],
                                expected_max_g=expected[1], accepted=accepted, by=by, station_id=station,
                                override_reason=override_reason, at=now))
