"""A rep's daily figures as the manager records them; recording a day again replaces it."""
from services.staff_performance.models import DailyReport
from services.staff_performance.register import get_staff
from shared.errors import RuleViolation
from shared.timeutil import utcnow

FIELDS = ("calls", "visits", "visits_unrecorded", "fine_leads", "rough_leads", "deals", "bookings_next_day")


def save_report(uow, staff_id, day, figures, by):
    get_staff(uow.session, staff_id)
    if figures["visits_unrecorded"] > figures["visits"]:
        raise RuleViolation("visits_unrecorded is part of visits", code="validation_failed",
                            fields={"visits_unrecorded": ["cannot exceed visits"]})
    values = {field: figures[field] for field in FIELDS}
    dialect = uow.session.get_bind().dialect.name
    insert = _upsert(dialect)(DailyReport.__table__).values(
        staff_id=staff_id, day=day, recorded_by=by, recorded_at=utcnow(), **values)
    uow.session.execute(insert.on_conflict_do_update(
        index_elements=["staff_id", "day"], set_={**values, "recorded_by": by, "recorded_at": utcnow()}))
    return uow.session.query(DailyReport).filter_by(staff_id=staff_id, day=day).populate_existing().one()


def _upsert(dialect):
    from sqlalchemy.dialects import postgresql, sqlite
    return postgresql.insert if dialect == "postgresql" else sqlite.insert
