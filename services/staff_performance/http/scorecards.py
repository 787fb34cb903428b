"""Figures: a person's scorecard, everyone's for a period, the team's leaderboard, the day's flow, flags."""
from services.staff_performance import flow
from services.staff_performance.business_days import business_day
from services.staff_performance.http import replies
from services.staff_performance.http.roles import READERS
from services.staff_performance.schemas import FlowQuery, LeaderboardQuery, ScorecardQuery, ScorecardsQuery, \
    StaffFilter
from shared.timeutil import utcnow
from shared.web import api


class ScorecardEndpoints:
    @api("GET", "/staff/<staff_id>/scorecard", roles=READERS, query=ScorecardQuery)
    def scorecard(self, request, staff_id, query):
        with self.db.read() as session:
            return replies.scorecard_answer(session, staff_id, query, query["now"] or utcnow())

    @api("GET", "/scorecards", roles=READERS, query=ScorecardsQuery,
         summary="every registered, active person's scorecard for one period (figures without their sources)")
    def scorecards(self, request, query):
        with self.db.read() as session:
            return replies.scorecards_answer(session, query, utcnow())

    @api("GET", "/leaderboard", roles=READERS, query=LeaderboardQuery)
    def leaderboard(self, request, query):
        with self.db.read() as session:
            return replies.leaderboard_answer(session, query, business_day(utcnow()))

    @api("GET", "/flow", roles=READERS, query=FlowQuery,
         summary="orders per stage (reviewed, picked, packed, handed over) in each hour of a business day")
    def flow(self, request, query):
        with self.db.read() as session:
            return flow.hourly(session, query["day"] or business_day(utcnow()))

    @api("GET", "/flags", roles=READERS, query=StaffFilter)
    def flags(self, request, query):
        with self.db.read() as session:
            return {"flags": replies.flags(session, query["staff_id"])}
