"""Flags for a manager's review. Where the rules say dismissal, this is all the software does."""
from shared.db.unit_of_work import insert_ignoring_duplicates
from shared.timeutil import utcnow
from services.staff_performance.models import Flag


def raise_flag(uow, staff_id, flag, day, reason, subject=""):
    """Once per (person, flag, day, subject); publishes `staff_flagged` the first time only."""
    stmt = insert_ignoring_duplicates(uow.session.get_bind().dialect.name, Flag.__table__).values(
        staff_id=staff_id, flag=flag, day=day, subject=subject, reason=reason[:500], raised_at=utcnow())
    if uow.session.execute(stmt).rowcount:
        uow.publish("staff_flagged", {"staff_id": staff_id, "flag": flag, "reason": reason, "day": day},
                    aggregate_id=staff_id)
