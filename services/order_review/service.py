"""The order review service (审单): reviews every order, holds doubtful ones, serves the reviewers."""
from services.order_review import desk, intake, queue, statistics, warehouse_news
from services.order_review.models import Base
from services.order_review.policy import ReviewPolicy
from services.order_review.schemas import ApproveBody, CorrectionBody, DailyStatsQuery, QueueQuery, RejectBody
from shared.messaging.relayed_database import RelayedDatabase
from shared.messaging.consumer import consume_event
from shared.timeutil import business_day, utcnow
from shared.web import Role, api
from shared.web.standard import StandardEndpoints

STAFF = [Role.REVIEWER, Role.SUPERVISOR, Role.MANAGER]


class OrderReviewService(StandardEndpoints):
    name = "order_review"
    db = RelayedDatabase(Base)

    @property
    def policy(self):
        return ReviewPolicy.from_config(self.config)

    # -- orders arriving ---------------------------------------------------
    @consume_event("storefront", "order_placed")
    def on_order_placed(self, event):
        with self.db.unit_of_work() as uow:
            intake.receive_order(uow, event["order"], self.policy, utcnow())

    @consume_event("after_sales", "replacement_ordered")
    def on_replacement_ordered(self, event):
        with self.db.unit_of_work() as uow:
            intake.receive_order(uow, event["order"], self.policy, utcnow())

    # -- news from the warehouse and the couriers --------------------------
    @consume_event("picking_packing", "order_out_of_stock")
    def on_order_out_of_stock(self, event):
        with self.db.unit_of_work() as uow:
            warehouse_news.goods_short(uow, event, utcnow())

    @consume_event("picking_packing", "stock_reserved")
    def on_stock_reserved(self, event):
        # Nearly every order is reserved at once and has no hold to lift: look first, and take
        # the write lock (and the inbox claim) only for a hold to release. An order released from
        # waiting always takes the write path, so it waits for an out-of-stock notice in flight.
        if not event["was_waiting"]:
            with self.db.read() as session:
                if not warehouse_news.out_of_stock_hold_open(session, event["order_no"]):
                    return
        with self.db.unit_of_work() as uow:
            warehouse_news.goods_reserved(uow, event, utcnow())

    @consume_event("shipping_labels", "parcel_returned_to_sender")
    def on_parcel_returned_to_sender(self, event):
        with self.db.unit_of_work() as uow:
            warehouse_news.parcel_returned(uow, event, utcnow())

    @consume_event("shipping_labels", "order_shipped")
    def on_order_shipped(self, event):
        with self.db.unit_of_work() as uow:
            warehouse_news.handed_over(uow, event)

    @consume_event("shipping_labels", "parcel_delivered")
    def on_parcel_delivered(self, event):
        with self.db.unit_of_work() as uow:
            warehouse_news.delivered(uow, event)

    # -- the reviewers' desk ----------------------------------------------
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
        return self._act(request, order_no, desk.claim)

    @api("DELETE", "/orders/<order_no>/claim", roles=STAFF, summary="give an order back to the queue")
    def unclaim(self, request, order_no):
        with self.db.unit_of_work() as uow:
            desk.unclaim(uow, order_no, request.identity.staff_id)
        return {"order_no": order_no, "claimed_by": None}

    @api("POST", "/orders/<order_no>/holds/<code>/release", roles=STAFF, idempotent=True)
    def release_hold(self, request, order_no, code):
        return self._act(request, order_no, desk.release_hold, code)

    @api("POST", "/orders/<order_no>/approve", roles=STAFF, body=ApproveBody, idempotent=True,
         summary="release all holds; with holds open, a reason is required (422 reason_required)")
    def approve(self, request, order_no, body):
        return self._act(request, order_no, desk.approve, body.get("reason"))

    @api("POST", "/orders/<order_no>/reject", roles=STAFF, body=RejectBody, idempotent=True)
    def reject(self, request, order_no, body):
        return self._act(request, order_no, desk.reject, body["reason"])

    @api("POST", "/orders/<order_no>/corrections", roles=STAFF, body=CorrectionBody, idempotent=True,
         summary="correct recipient, phone or address")
    def correct(self, request, order_no, body):
        return self._act(request, order_no, desk.correct, body)

    @api("GET", "/stats/daily", roles=STAFF, query=DailyStatsQuery, summary="per reviewer, one company day (Asia/Shanghai)")
    def daily_stats(self, request, query):
        with self.db.read() as session:
            return statistics.daily(session, query.get("day") or business_day(utcnow()))

    def _act(self, request, order_no, action, *args):
        """Run a desk action as the caller, answer with the order as it now stands."""
        now = utcnow()
        with self.db.unit_of_work() as uow:
            action(uow, order_no, request.identity.staff_id, *args, now=now, policy=self.policy)
            uow.session.flush()
            return uow.respond(200, queue.order_detail(uow.session, order_no, now))


SERVICE = OrderReviewService
