"""The staff performance service (绩效): facts from the bus, the department's rules, scorecards."""
from datetime import timedelta

from services.staff_performance import facts, fines, flow, policies, register, reports, rota, timesheet, views, windows
from services.staff_performance.business_days import business_day
from services.staff_performance.fact_sources import SOURCES
from services.staff_performance.models import Base
from services.staff_performance.schemas import (
    AsOfQuery, DailyReportSchema, DaySchema, FineIssueSchema, FineSchema, FlowQuery, LeaderboardQuery, LeaveSchema,
    PaymentSchema, PolicyVersionSchema, PunchSchema, RotaEntrySchema, RotaQuery, ScorecardQuery, ScorecardsQuery,
    StaffFilter, StaffQuery, StaffSchema)
from shared.messaging.relayed_database import RelayedDatabase
from shared.messaging.consumer import consume_event
from shared.timers import timer
from shared.timeutil import utcnow
from shared.web import Role, api
from shared.web.days import path_day
from shared.web.standard import StandardEndpoints
from contracts.base import schema

MANAGERS = [Role.MANAGER]
READERS = [Role.MANAGER, Role.SUPERVISOR]


class StaffPerformanceService(StandardEndpoints):
    name = "staff_performance"
    db = RelayedDatabase(Base)

    @property
    def clock_skew(self):
        """How far ahead of ours a clock-in device's clock may run (CLOCK_SKEW_SECONDS)."""
        return timedelta(seconds=float(self.config.get("CLOCK_SKEW_SECONDS",
                                                        windows.DEFAULT_CLOCK_SKEW.total_seconds())))

    @timer(3600, "DAILY_CLOSE_SECONDS")
    def close_yesterday(self):
        self.run_daily(utcnow())

    def run_daily(self, now):
        """Judge yesterday's attendance; flag fines whose interest has run past the rules, and days
        coming near with fewer on duty than the rules ask."""
        with self.db.unit_of_work() as uow:
            book = policies.book(uow.session)
            timesheet.close_yesterday(uow, book, now)
            fines.flag_interest_beyond_policy(uow, book, business_day(now))
            rota.flag_short_days(uow, book, business_day(now))

    # -- staff register ---------------------------------------------------
    @api("PUT", "/staff/<staff_id>", roles=MANAGERS, body=StaffSchema)
    def save_staff(self, request, staff_id, body):
        with self.db.unit_of_work() as uow:
            return schema(StaffSchema).dump(register.save_staff(uow, views.staff_id(staff_id), body))

    @api("GET", "/staff", roles=READERS, query=StaffQuery)
    def list_staff(self, request, query):
        with self.db.read() as session:
            registered = False if query["unregistered"] else None
            found = register.list_staff(session, query["team"], registered)
            return {"staff": schema(StaffSchema, many=True).dump(found)}

    # -- the department's own records ---------------------------------------
    @api("POST", "/punches", roles=[Role.CLOCK], body=PunchSchema)
    def record_punch(self, request, body):
        with self.db.unit_of_work() as uow:
            new = timesheet.record_punch(uow, body["punch_id"], body["staff_id"], body["at"],
                                         request.identity.staff_id, utcnow(), body["direction"], self.clock_skew)
            return (201 if new else 200), {"punch_id": body["punch_id"], "recorded": new}

    @api("POST", "/leave", roles=MANAGERS, body=LeaveSchema, idempotent=True)
    def request_leave(self, request, body):
        with self.db.unit_of_work() as uow:
            policy = policies.book(uow.session).for_day(body["first_day"])
            leave = timesheet.request_leave(uow, policy, **body, now=utcnow())
            return uow.respond(201, schema(LeaveSchema).dump(leave))

    @api("POST", "/leave/<int:leave_id>/proof", roles=MANAGERS, body=DaySchema)
    def record_leave_proof(self, request, leave_id, body):
        with self.db.unit_of_work() as uow:
            return schema(LeaveSchema).dump(timesheet.record_proof(uow, leave_id, views.by_today(body["day"])))

    @api("GET", "/leave", roles=READERS, query=StaffFilter)
    def list_leave(self, request, query):
        with self.db.read() as session:
            return {"leave": schema(LeaveSchema, many=True).dump(timesheet.leave_requests(session, query["staff_id"]))}

    @api("PUT", "/daily-reports/<staff_id>/<day>", roles=MANAGERS, body=DailyReportSchema)
    def save_daily_report(self, request, staff_id, day, body):
        with self.db.unit_of_work() as uow:
            report = reports.save_report(uow, views.staff_id(staff_id), views.by_today(path_day(day)), body,
                                         request.identity.staff_id)
            return schema(DailyReportSchema).dump(report)

    @api("POST", "/attendance/close", roles=MANAGERS, body=DaySchema)
    def close_day(self, request, body):
        with self.db.unit_of_work() as uow:
            judged = timesheet.close_day(uow, policies.book(uow.session), body["day"], utcnow())
            return {"day": body["day"].isoformat(), "judged": views.judgements(judged)}

    # -- the duty rota ---------------------------------------------------------
    @api("GET", "/rota", roles=READERS, query=RotaQuery)
    def rota_week(self, request, query):
        with self.db.read() as session:
            today = business_day(utcnow())
            return rota.week(session, policies.book(session), query["week"] or today, today)

    @api("PUT", "/rota/<day>/<staff_id>", roles=MANAGERS, body=RotaEntrySchema)
    def put_on_duty(self, request, day, staff_id, body):
        with self.db.unit_of_work() as uow:
            day = path_day(day)
            added = rota.put(uow, policies.book(uow.session).for_day(day), day, views.staff_id(staff_id),
                             body["start"], body["end"], request.identity.staff_id, business_day(utcnow()))
            return (201 if added else 200), {"day": day.isoformat(), "staff_id": staff_id, "added": added}

    @api("DELETE", "/rota/<day>/<staff_id>", roles=MANAGERS)
    def take_off_duty(self, request, day, staff_id):
        with self.db.unit_of_work() as uow:
            day = path_day(day)
            rota.remove(uow, day, staff_id, business_day(utcnow()))
            return {"day": day.isoformat(), "staff_id": staff_id, "removed": True}

    # -- fines ---------------------------------------------------------------
    @api("POST", "/fines", roles=MANAGERS, body=FineIssueSchema, idempotent=True)
    def issue_fine(self, request, body):
        with self.db.unit_of_work() as uow:
            policy = policies.book(uow.session).for_day(views.by_today(body["day"]))
            fine = fines.issue(uow, policy, by=request.identity.staff_id, **body)
            return uow.respond(201, schema(FineSchema).dump(fine))

    @api("GET", "/fines", roles=READERS, query=AsOfQuery)
    def fine_ledger(self, request, query):
        with self.db.read() as session:
            return views.ledger(session, query["staff_id"], query["as_of"] or business_day(utcnow()))

    @api("POST", "/fines/<int:fine_id>/notice", roles=MANAGERS, body=DaySchema)
    def give_notice(self, request, fine_id, body):
        with self.db.unit_of_work() as uow:
            return schema(FineSchema).dump(fines.give_notice(uow, fine_id, views.by_today(body["day"])))

    @api("POST", "/fines/<int:fine_id>/payments", roles=MANAGERS, body=PaymentSchema, idempotent=True)
    def pay_fine(self, request, fine_id, body):
        with self.db.unit_of_work() as uow:
            fine = fines.get(uow.session, fine_id)
            policy = policies.book(uow.session).for_day(fine.day)
            fines.pay(uow, policy, fine_id, body["amount"], views.by_today(body["day"]), request.identity.staff_id)
            return uow.respond(201, views.fine_line(uow.session, policy, fine, body["day"]))

    # -- policy ----------------------------------------------------------------
    @api("GET", "/policies", roles=READERS)
    def list_policies(self, request):
        with self.db.read() as session:
            return {"versions": policies.describe(policies.book(session))}

    @api("POST", "/policies", roles=MANAGERS, body=PolicyVersionSchema)
    def add_policy(self, request, body):
        with self.db.unit_of_work() as uow:
            row = policies.add_version(uow, body["effective_from"], body["changes"], request.identity.staff_id)
            return 201, {"version": f"v{row.id}", "effective_from": row.effective_from.isoformat()}

    # -- scorecards -------------------------------------------------------------
    @api("GET", "/staff/<staff_id>/scorecard", roles=READERS, query=ScorecardQuery)
    def scorecard(self, request, staff_id, query):
        with self.db.read() as session:
            return views.scorecard_answer(session, staff_id, query, query["now"] or utcnow())

    @api("GET", "/scorecards", roles=READERS, query=ScorecardsQuery,
         summary="every registered, active person's scorecard for one period (figures without their sources)")
    def scorecards(self, request, query):
        with self.db.read() as session:
            return views.scorecards_answer(session, query, utcnow())

    @api("GET", "/leaderboard", roles=READERS, query=LeaderboardQuery)
    def leaderboard(self, request, query):
        with self.db.read() as session:
            return views.leaderboard_answer(session, query, business_day(utcnow()))

    @api("GET", "/flow", roles=READERS, query=FlowQuery,
         summary="orders per stage (reviewed, picked, packed, handed over) in each hour of a business day")
    def flow(self, request, query):
        with self.db.read() as session:
            return flow.hourly(session, query["day"] or business_day(utcnow()))

    @api("GET", "/flags", roles=READERS, query=StaffFilter)
    def flags(self, request, query):
        with self.db.read() as session:
            return {"flags": views.flags(session, query["staff_id"])}


def _fact_consumer(spec):
    @consume_event(spec.source, spec.event_type)
    def consume(self, event):
        found = facts.facts_of(spec, event)
        if found:   # an event naming nobody changes nothing: no transaction (nothing to redo on redelivery)
            with self.db.unit_of_work() as uow:
                facts.record(uow, spec, found)
    consume.__name__ = spec.method_name
    return consume


# One consumer per event in the catalogue that proves someone did something (fact_sources.py).
for _spec in SOURCES:
    setattr(StaffPerformanceService, _spec.method_name, _fact_consumer(_spec))

SERVICE = StaffPerformanceService
