"""HTTP for care tasks: the rep's own, the care team's queue, all of them, and completing one."""

from services.customer_retention import care
from services.customer_retention.schemas import CompleteTaskSchema, TaskQuery
from shared.timeutil import utcnow
from shared.web import Role, api

SALES, MANAGER, CARE = Role.SALES, Role.MANAGER, Role.CARE
EVERYONE = [SALES, MANAGER, CARE]


class CareHttp:

    @api("GET", "/care-tasks", roles=EVERYONE, query=TaskQuery,
         summary="care tasks: mine, the care queue, or all (managers); overdue ones are red")
    def care_tasks(self, request, query):
        view = "mine" if request.identity.role == SALES else query["view"]
        with self.db.read() as session:
            return {"tasks": care.task_list(session, self.settings, utcnow(),
                                            assignee=request.identity.staff_id if view == "mine" else None,
                                            queue=view == "queue",
                                            status=None if query["status"] == "any" else query["status"])}

    @api("POST", "/care-tasks/<int:task_id>/completion", roles=EVERYONE, body=CompleteTaskSchema,
         idempotent=True, summary="complete a care task with its outcome")
    def complete_task(self, request, task_id, body):
        with self.db.unit_of_work() as uow:
            task = care.complete(uow, task_id, request.identity.staff_id, request.identity.role, body["outcome"],
                                 body["notes"], utcnow())
            who = care.contacts(uow.session, [task]).get(task.id)
            return uow.respond(200, care.task_view(task, self.settings, utcnow(), who))
