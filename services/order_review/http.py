"""The reviewers' HTTP API: the queue, an order with its history, the reviewer's actions, the daily statistic."""
from services.order_review import blacklist, decisions, queue, split, statistics, storage
from services.order_review.schemas import (
    ApproveBody, BlacklistQuery, CorrectionBody, DailyStatsQuery, GoodsBody, ListBody, QueueQuery, RejectBody,
    UnlistBody)
from shared.timeutil import business_day, utcnow
from shared.web import Role, api
from shared.web.standard import StandardEndpoints

STAFF = [Role.REVIEWER, Role.SUPERVISOR, Role.MANAGER]
OPERATORS = [Role.SUPERVISOR, Role.MANAGER]   # who keeps the blacklist


class OrderReviewHttp(StandardEndpoints):
    """Inherited by OrderReviewService, which provides `db` and `settings`."""

    @api("GET", "/queue", roles=STAFF, query=QueueQuery, summary="held orders, oldest first")
    def get_queue(self, request, query):
        with self.db.read() as session:
            return {"orders": queue.held_orders(session, utcnow(), **query)}

    @api("GET", "/orders/<order_no>", roles=STAFF, summary="an order with its open holds and corrections")
    def get_order(self, request, order_no):
        with self.db.read() as session:
            return queue.order_detail(session, order_no, utcnow())

    @api("POST", "/orders/<order_no>/claim", roles=STAFF, idempotent=True, summary="work on an order alone")
    def claim(self, request, order_no):
        return self._act(request, order_no, decisions.claim)

    @api("DELETE", "/orders/<order_no>/claim", roles=STAFF, summary="give an order back to the queue")
    def unclaim(self, request, order_no):
        with self.db.unit_of_work() as uow:
            decisions.unclaim(uow, order_no, request.identity.staff_id)
        return {"order_no": order_no, "claimed_by": None}

    @api("POST", "/orders/<order_no>/holds/<code>/release", roles=STAFF, idempotent=True)
    def release_hold(self, request, order_no, code):
        return self._act(request, order_no, decisions.release_hold, code)

    @api("POST", "/orders/<order_no>/approve", roles=STAFF, body=ApproveBody, idempotent=True,
         summary="release all holds; with holds open, a reason is required (422 reason_required)")
    def approve(self, request, order_no, body):
        return self._act(request, order_no, decisions.approve, body.get("reason"),
                         body["courier"] if "courier" in body else decisions.KEEP)

    @api("POST", "/orders/<order_no>/reject", roles=STAFF, body=RejectBody, idempotent=True)
    def reject(self, request, order_no, body):
        return self._act(request, order_no, decisions.reject, body["reason"])

    @api("POST", "/orders/<order_no>/corrections", roles=STAFF, body=CorrectionBody, idempotent=True,
         summary="correct recipient, phone or address")
    def correct(self, request, order_no, body):
        return self._act(request, order_no, decisions.correct, body)

    @api("POST", "/orders/<order_no>/goods", roles=STAFF, body=GoodsBody, idempotent=True,
         summary="change the goods (SKU, quantity) of a held order; kept with before, after, who and why")
    def change_goods(self, request, order_no, body):
        return self._act(request, order_no, decisions.change_goods, body["lines"], body["reason"])

    @api("POST", "/orders/<order_no>/split", roles=STAFF, idempotent=True,
         summary="split an order waiting for stock: what is in stock ships now, the rest as backorder <no>-B<n>")
    def split(self, request, order_no):
        return self._act(request, order_no, split.split)

    @api("GET", "/blacklist", roles=OPERATORS, query=BlacklistQuery,
         summary="the phones, addresses and customers listed now, and who listed and unlisted what")
    def get_blacklist(self, request, query):
        with self.db.read() as session:
            return {"entries": [blacklist.entry_body(e) for e in storage.blacklist(session, query.get("kind"))],
                    "audit": blacklist.audit(storage.blacklist(session, query.get("kind"), listed_only=False))}

    @api("POST", "/blacklist", roles=OPERATORS, body=ListBody, idempotent=True,
         summary="list a phone, an address or a customer: their orders are held BLACKLISTED")
    def list_value(self, request, body):
        with self.db.unit_of_work() as uow:
            entry = blacklist.list_value(uow, body["kind"], body["value"], body["reason"],
                                         request.identity.staff_id, utcnow())
            return uow.respond(201, blacklist.entry_body(entry))

    @api("POST", "/blacklist/<int:entry_id>/unlist", roles=OPERATORS, body=UnlistBody, idempotent=True,
         summary="take an entry off the list (kept, with who, when and why)")
    def unlist(self, request, entry_id, body):
        with self.db.unit_of_work() as uow:
            entry = blacklist.unlist(uow, entry_id, body["reason"], request.identity.staff_id, utcnow())
            return uow.respond(200, blacklist.entry_body(entry))

    @api("GET", "/stats/daily", roles=STAFF, query=DailyStatsQuery, summary="per reviewer, one company day (Asia/Shanghai)")
    def daily_stats(self, request, query):
        with self.db.read() as session:
            return statistics.daily(session, query.get("day") or business_day(utcnow()))

    def _act(self, request, order_no, action, *args):
        """Run a reviewer's action as the caller, answer with the order as it now stands."""
        now = utcnow()
        with self.db.unit_of_work() as uow:
            action(uow, order_no, request.identity.staff_id, *args, now=now, settings=self.settings)
            uow.session.flush()
            return uow.respond(200, queue.order_detail(uow.session, order_no, now))
