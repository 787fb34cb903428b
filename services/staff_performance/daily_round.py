"""The daily round (the service's hourly timer): yesterday's attendance judged, fines whose interest has
run past the rules flagged, and days coming near with fewer on duty than the rules ask flagged."""
from services.staff_performance import fines, policies, rota, timesheet
from services.staff_performance.business_days import business_day


def run(uow, now):
    book = policies.book(uow.session)
    timesheet.close_yesterday(uow, book, now)
    fines.flag_interest_beyond_policy(uow, book, business_day(now))
    rota.flag_short_days(uow, book, business_day(now))
