"""HTTP for the protection pool: claims, renewals, releases, reassignments, limits, follow-ups."""
from services.customer_retention import customers, follow_ups, limits, pool
from services.customer_retention.schemas import (
    ClaimSchema, CustomerKeySchema, FollowUpQuery, FollowUpSchema, KeyQuery, LimitSchema, PoolQuery,
    ReassignSchema,
)
from shared.timeutil import to_iso, utcnow
from shared.web import Role, api

SALES, MANAGER, CARE = Role.SALES, Role.MANAGER, Role.CARE


def protection_body(protection):
    return {"customer_key": protection.customer_key, "rep": protection.rep,
            "claimed_at": to_iso(protection.claimed_at), "expires_at": to_iso(protection.expires_at)}


class PoolHttp:

    @api("POST", "/pool/claims", roles=[SALES], body=ClaimSchema, idempotent=True,
         summary="claim a customer into your protection pool (409 if someone holds it)")
    def claim(self, request, body):
        with self.db.unit_of_work() as uow:
            key = body.get("customer_key") or customers.company_account(uow, body["company_name"])
            protection = pool.claim(uow, self.settings, request.identity.staff_id, key, utcnow())
            return uow.respond(201, protection_body(protection))

    @api("POST", "/pool/renewals", roles=[SALES], body=CustomerKeySchema, summary="renew your protection")
    def renew(self, request, body):
        with self.db.unit_of_work() as uow:
            protection = pool.renew(uow, self.settings, request.identity.staff_id, body["customer_key"], utcnow())
            return protection_body(protection)

    @api("POST", "/pool/releases", roles=[SALES], body=CustomerKeySchema, summary="give a customer back")
    def release(self, request, body):
        with self.db.unit_of_work() as uow:
            pool.release(uow, request.identity.staff_id, body["customer_key"], utcnow())
            return {"customer_key": body["customer_key"], "released": True}

    @api("POST", "/pool/reassignments", roles=[MANAGER], body=ReassignSchema, idempotent=True,
         summary="move one or many held customers to another rep, with a reason")
    def reassign(self, request, body):
        with self.db.unit_of_work() as uow:
            moved = pool.reassign(uow, self.settings, request.identity.staff_id, body["customer_keys"],
                                  body["to_rep"], body["reason"], utcnow())
            return uow.respond(200, {"reassigned": [protection_body(p) for p in moved]})

    @api("GET", "/pool", roles=[SALES, MANAGER, CARE], query=PoolQuery,
         summary="held customers with days left and colour; a rep sees their own")
    def pool_view(self, request, query):
        rep = request.identity.staff_id if request.identity.role == SALES else query.get("rep")
        with self.db.read() as session:
            return {"pool": pool.pool_view(session, self.settings, utcnow(), rep=rep, flagged_only=query["flagged"])}

    @api("GET", "/pool/history", roles=[SALES, MANAGER, CARE], query=KeyQuery, summary="ownership history")
    def ownership_history(self, request, query):
        with self.db.read() as session:
            return {"customer_key": query["customer_key"], "history": pool.history(session, query["customer_key"])}

    @api("GET", "/pool/limits", roles=[SALES, MANAGER], summary="the sales limits in force")
    def get_limits(self, request):
        with self.db.read() as session:
            return limits.all_limits(session)

    @api("PUT", "/pool/limits", roles=[MANAGER], body=LimitSchema, summary="set a limit for everyone or one rep")
    def set_limit(self, request, body):
        with self.db.unit_of_work() as uow:
            limits.set_limit(uow, body["name"], body["value"], body["scope"], request.identity.staff_id, utcnow())
        return {"name": body["name"], "scope": body["scope"], "value": body["value"]}

    @api("POST", "/follow-ups", roles=[SALES, MANAGER], body=FollowUpSchema, idempotent=True,
         summary="log a call, visit or message with a customer")
    def log_follow_up(self, request, body):
        with self.db.unit_of_work() as uow:
            entry = follow_ups.log_follow_up(uow, request.identity.staff_id, body["customer_key"], body["kind"],
                                             body["notes"], utcnow())
            return uow.respond(201, {"id": entry.id, "customer_key": entry.customer_key,
                                     "logged_at": to_iso(entry.logged_at)})

    @api("GET", "/notices", roles=[SALES], summary="your notices (protections about to expire)")
    def notices(self, request):
        with self.db.read() as session:
            return {"notices": pool.notices_for(session, request.identity.staff_id)}

    @api("GET", "/follow-ups", roles=[SALES, MANAGER, CARE], query=FollowUpQuery,
         summary="a customer's follow-ups: a rep reads only their own (403 asking for another rep's)")
    def list_follow_ups(self, request, query):
        rep = follow_ups.readable_rep(request.identity.staff_id, request.identity.role, query.get("rep"))
        with self.db.read() as session:
            return {"follow_ups": follow_ups.follow_ups_of(session, query["customer_key"], rep)}

