"""Flags for a manager's review. Where the rules say dismissal, this is all the software does."""
from services.staff_performance import storage
from shared.timeutil import utcnow


def raise_flag(uow, staff_id, flag, day, reason, subject=""):
    """Once per (person, flag, day, subject); publishes `staff_flagged` the first time only."""
    if storage.add_flag(uow.session, staff_id=staff_id, flag=flag, day=day, subject=subject, reason=reason[:500],
                        raised_at=utcnow()):
        uow.publish("staff_flagged", {"staff_id": staff_id, "flag": flag, "reason": reason, "day": day},
                    aggregate_id=staff_id)
