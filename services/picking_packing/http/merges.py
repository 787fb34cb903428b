"""Merging orders (合单, issue #23): the offers, merging them into one parcel, the groups."""
from services.picking_packing import merging
from services.picking_packing.schemas import MergeQuery, MergeSchema, UnmergeSchema
from shared.timeutil import to_iso, utcnow
from shared.web import Role, api

MERGERS = [Role.SUPERVISOR, Role.MANAGER]
READERS = MERGERS + [Role.WAREHOUSE]


class MergeEndpoints:
    """Mixed into the service class (needs `db` and `settings`)."""

    @api("GET", "/merge-offers", roles=READERS,
         summary="orders of one buyer to one address, one warehouse, within the merge window, not yet picked")
    def list_merge_offers(self, request):
        with self.db.read() as session:
            offers = merging.listed_offers(session, self.settings)
        return {"offers": [{**offer, "orders": [{**o, "placed_at": to_iso(o["placed_at"])} for o in offer["orders"]]}
                           for offer in offers],
                "window_minutes": self.settings.merge_window_minutes, "automatic": self.settings.merge_automatic}

    @api("POST", "/merges", roles=MERGERS, body=MergeSchema, idempotent=True,
         summary="pack these orders as one parcel (409 with the reason's code when they can't be)")
    def post_merge(self, request, body):
        with self.db.unit_of_work() as uow:
            group = merging.merge(uow, body["order_nos"], request.identity.staff_id, self.settings, utcnow())
            return uow.respond(201, group)

    @api("POST", "/merges/<int:group_id>/unmerge", roles=MERGERS, body=UnmergeSchema, idempotent=True,
         summary="split a merged group before it is packed: its orders pack alone and are not merged again "
                 "(409 merge_not_standing once packed or dissolved)")
    def post_unmerge(self, request, group_id, body):
        with self.db.unit_of_work() as uow:
            split = merging.unmerge(uow, group_id, request.identity.staff_id, body["reason"].strip(), utcnow())
            return uow.respond(200, split)

    @api("GET", "/merges", roles=READERS, query=MergeQuery, summary="merge groups, newest first")
    def list_merges(self, request, query):
        with self.db.read() as session:
            return {"merges": merging.listing(session, query.get("status"), query["limit"])}
