"""The floor's HTTP API: the fixed scanner API (`POST /scans`), pick lists, overrides, tasks."""
from services.picking_packing import merging, packing, pick_lists, returned_goods, scanning
from services.picking_packing.schemas import (
    DefectiveOut, OverrideSchema, Paging, PickListQuery, ScanSchema, TaskDoneSchema, TaskOut, TaskQuery,
)
from services.picking_packing.storage import pick_lists as stored_lists
from services.picking_packing.storage import tasks as stored_tasks
from shared.web import Role, api
from contracts.base import schema

SCANNER_ROLES = [Role.PICKER, Role.PACKER, Role.SHIPPER, Role.SCANNER]
FLOOR_ROLES = SCANNER_ROLES + [Role.WAREHOUSE, Role.MANAGER, Role.SUPERVISOR]
TASK_ROLES = [Role.WAREHOUSE, Role.MANAGER, Role.PICKER, Role.PACKER]
# A refused scan is answered (and remembered for its retries), not raised.
SCAN_STATUS = {scanning.DONE: 200, scanning.REFUSED: 409, scanning.UNKNOWN_ORDER: 404}


class FloorEndpoints:
    """Mixed into the service class (needs `db` and `settings`)."""

    @api("POST", "/scans", roles=SCANNER_ROLES, body=ScanSchema, idempotency_field="scan_id",
         summary="a scanner's pick or pack (with weight) scan; the hand-over is shipping labels' POST /handovers")
    def post_scan(self, request, body):
        with self.db.unit_of_work() as uow:
            outcome, answer = scanning.handle(uow, body, request.identity.staff_id, self.settings)
            return uow.respond(SCAN_STATUS[outcome], {"scan_id": body["scan_id"], "type": body["type"], **answer})

    @api("GET", "/pick-lists", roles=FLOOR_ROLES, query=PickListQuery, summary="work per status for the floor")
    def list_pick_lists(self, request, query):
        with self.db.read() as session:
            return {"pick_lists": pick_lists.listing(session, query.get("status"), query["limit"]),
                    "counts": stored_lists.counts_by_status(session)}

    @api("GET", "/pick-lists/<order_no>", roles=FLOOR_ROLES, summary="one pick list and what is left to do")
    def get_pick_list(self, request, order_no):
        with self.db.read() as session:
            return merging.shown(session, order_no, self.settings)   # a merged order: its parcel's window

    @api("POST", "/pick-lists/<order_no>/weight-override", roles=[Role.SUPERVISOR, Role.MANAGER],
         body=OverrideSchema, idempotent=True, summary="accept a held parcel's weight, with a reason")
    def override_weight(self, request, order_no, body):
        with self.db.unit_of_work() as uow:
            pick_list = packing.override_weight(uow, order_no, request.identity.staff_id, body["reason"],
                                               self.settings)
            return uow.respond(200, pick_lists.progress(pick_list))

    @api("GET", "/tasks", roles=TASK_ROLES, query=TaskQuery, summary="put-away and repack tasks")
    def list_tasks(self, request, query):
        with self.db.read() as session:
            return {"tasks": schema(TaskOut, many=True).dump(stored_tasks.tasks(session, **query))}

    @api("POST", "/tasks/<int:task_id>/done", roles=TASK_ROLES, body=TaskDoneSchema, idempotent=True,
         summary="a put-away or repack is done (repacked goods go back into stock, into the bin named or the default)")
    def complete_task(self, request, task_id, body):
        with self.db.unit_of_work() as uow:
            task = returned_goods.complete_task(uow, task_id, request.identity.staff_id, self.settings, body)
            return uow.respond(200, schema(TaskOut).dump(task))

    @api("GET", "/defective-goods", roles=TASK_ROLES, query=Paging, summary="returned goods not resellable")
    def list_defective(self, request, query):
        with self.db.read() as session:
            return {"defective": schema(DefectiveOut, many=True).dump(stored_tasks.defective(session, query["limit"]))}
