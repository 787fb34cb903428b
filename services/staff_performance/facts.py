"""Recording per-person facts from the bus (no nameko here)."""
from services.staff_performance import storage
from services.staff_performance.business_days import business_day
from services.staff_performance.register import note_if_unknown


def facts_of(spec, event):
    """The event's facts as rows, on the business day the event says each happened (not when it arrived).
    An event (or item) naming nobody, e.g. a case the customer opened, proves nothing about a person."""
    rows = []
    if spec.proves_nothing(event):
        return rows
    subject = str(event[spec.subject_field])[:100]
    seconds = event.get(spec.seconds_field) if spec.seconds_field else None
    kinds = (spec.kind, *spec.also(event))
    for item in (event[spec.items_field] if spec.items_field else (event,)):
        if not item.get(spec.staff_field):
            continue
        at = (item.get(spec.at_field) if spec.at_field else None) or event["occurred_at"]
        part = str(item[spec.part_field]) if spec.part_field else ""
        rows.extend({"event_id": event["event_id"], "source": spec.origin, "staff_id": str(item[spec.staff_field]),
                     "kind": kind, "subject": subject, "seconds": seconds, "day": business_day(at),
                     "occurred_at": at, "part": part} for kind in kinds)
    return rows


def record(uow, spec, rows):
    """Store the facts; someone the register doesn't know yet enters it (and a manager is told)."""
    if not rows:
        return
    storage.add_facts(uow.session, rows)
    noted = set()
    for row in rows:
        if row["staff_id"] not in noted:
            noted.add(row["staff_id"])
            note_if_unknown(uow, row["staff_id"], row["day"], spec.origin)


def record_event(uow, spec, event):
    record(uow, spec, facts_of(spec, event))
