"""The daily manifest per carrier: what left, and what does not match one to one (000 art. 6)."""
from decimal import Decimal
from zoneinfo import ZoneInfo

from services.shipping_labels.storage import reports
from shared.timeutil import business_day_bounds, to_iso

DEFAULT_TIMEZONE = "Asia/Shanghai"   # the warehouse's working day, not UTC's
CSV_COLUMNS = ("kind", "order_no", "tracking_no", "weight_g", "cost", "cod_amount", "at", "shipper", "note")


def day_bounds(day, timezone=DEFAULT_TIMEZONE):
    return business_day_bounds(day, ZoneInfo(timezone))


def build(session, carrier, day, timezone=DEFAULT_TIMEZONE):
    start, end = day_bounds(day, timezone)
    shipped = reports.handed_over_between(session, carrier, start, end)
    parcels = [{"order_no": s.order_no, "tracking_no": s.tracking_no, "weight_g": s.weight_g, "cost": s.cost,
                "cod_amount": s.cod_amount, "handed_over_at": to_iso(s.handed_over_at), "shipper": s.shipper}
               for s in shipped]
    return {
        "carrier": carrier, "date": day.isoformat(), "timezone": timezone, "parcels": parcels,
        "totals": {"parcels": len(parcels), "weight_g": sum(p["weight_g"] or 0 for p in parcels),
                   "cost": sum((p["cost"] or Decimal(0) for p in parcels), Decimal("0.00")),
                   "cod_amount": sum((p["cod_amount"] for p in parcels), Decimal("0.00"))},
        "exceptions": _not_handed_over(session, carrier, end) + _without_label(session, carrier, start, end),
    }


def _not_handed_over(session, carrier, end):
    """Labels live at the end of the day whose parcel had not been handed over by then."""
    rows = reports.live_not_handed_over(session, carrier, end)
    return [{"kind": "labelled_not_handed_over", "order_no": w.order_no, "tracking_no": w.tracking_no,
             "at": to_iso(w.issued_at), "status": s.status, "note": f"labelled, status {s.status}"} for w, s in rows]


def _without_label(session, carrier, start, end):
    rows = reports.unmatched_handovers(session, carrier, start, end)
    return [{"kind": "handed_over_without_label", "order_no": u.order_no, "tracking_no": u.tracking_no,
             "at": to_iso(u.handed_over_at), "shipper": u.shipper, "note": u.reason} for u in rows]


def table(manifest):
    """The manifest as one table (CSV_COLUMNS): its parcels, the totals row, then the exceptions."""
    totals = manifest["totals"]
    return ([{"kind": "parcel", "at": parcel["handed_over_at"], **parcel} for parcel in manifest["parcels"]]
            + [{"kind": "total", "note": f"{totals['parcels']} parcels", **totals}]
            + manifest["exceptions"])
