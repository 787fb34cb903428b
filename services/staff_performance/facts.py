"""Recording per-person facts from the bus (no nameko here)."""
from services.staff_performance.business_days import business_day
from services.staff_performance.models import Fact
from services.staff_performance.register import note_if_unknown


def record_event(uow, spec, event):
    """The event's facts, on the business day the event says it happened (not when it arrived).
    An event naming nobody (e.g. a case the customer opened) proves nothing about a person."""
    if not event.get(spec.staff_field):
        return
    staff_id = str(event[spec.staff_field])
    at = (event.get(spec.at_field) if spec.at_field else None) or event["occurred_at"]
    day = business_day(at)
    for kind in (spec.kind, *spec.also(event)):
        uow.session.add(Fact(
            event_id=event["event_id"], source=f"{spec.source}.{spec.event_type}", staff_id=staff_id, kind=kind,
            subject=str(event[spec.subject_field])[:100],
            seconds=event.get(spec.seconds_field) if spec.seconds_field else None, day=day, occurred_at=at))
    note_if_unknown(uow, staff_id, day, f"{spec.source}.{spec.event_type}")
