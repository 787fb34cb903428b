"""A rep's daily figures as the manager records them; recording a day again replaces it."""
from services.staff_performance import storage
from services.staff_performance.register import get_staff
from shared.errors import RuleViolation
from shared.timeutil import utcnow

FIELDS = ("calls", "visits", "visits_unrecorded", "fine_leads", "rough_leads", "deals", "bookings_next_day")


def save_report(uow, staff_id, day, figures, by):
    get_staff(uow.session, staff_id)
    if figures["visits_unrecorded"] > figures["visits"]:
        raise RuleViolation("visits_unrecorded is part of visits", code="validation_failed",
                            fields={"visits_unrecorded": ["cannot exceed visits"]})
    values = {**{field: figures[field] for field in FIELDS}, "recorded_by": by, "recorded_at": utcnow()}
    return storage.save_daily_report(uow.session, staff_id, day, values)
