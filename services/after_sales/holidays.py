"""The after-sales team's holiday calendar, kept as data: on these local days the SLA clock does not run."""
from services.after_sales import storage
from services.after_sales.models import Holiday


def set_holiday(uow, day, name):
    """Adds or renames a holiday. Deadlines already running keep the calendar they were set with."""
    holiday = storage.holiday(uow.session, day) or Holiday(day=day)
    holiday.name = name
    uow.session.add(holiday)
    return {"day": day.isoformat(), "name": name}


def list_holidays(session):
    return [{"day": h.day.isoformat(), "name": h.name}
            for h in storage.holidays(session)]
