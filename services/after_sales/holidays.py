"""The desk's holiday calendar, kept as data: on these local days the SLA clock does not run."""
import sqlalchemy as sa

from services.after_sales.models import Holiday


def set_holiday(uow, day, name):
    """Adds or renames a holiday. Deadlines already running keep the calendar they were set with."""
    holiday = uow.session.get(Holiday, day) or Holiday(day=day)
    holiday.name = name
    uow.session.add(holiday)
    return {"day": day.isoformat(), "name": name}


def list_holidays(session):
    return [{"day": h.day.isoformat(), "name": h.name}
            for h in session.scalars(sa.select(Holiday).order_by(Holiday.day))]
