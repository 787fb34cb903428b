"""Returned goods (退货): resellable goods are repacked and restocked; the rest is recorded as defective.

Rules §3: 退换货品及时发送生产部重新包装并重新入库.
"""
from services.picking_packing import inventory, stock
from services.picking_packing.models import DefectiveGoods, WarehouseTask
from services.picking_packing.storage import tasks as stored
from shared.errors import Conflict, NotFound, RuleViolation
from shared.timeutil import utcnow


def receive_return(uow, returned):
    now = utcnow()
    for line in returned["lines"]:
        if returned["condition"] == "resellable":
            uow.session.add(WarehouseTask(kind="repack", status="open", order_no=returned["order_no"],
                                          case_id=str(returned["case_id"]), sku=line["sku"], qty=line["qty"],
                                          created_at=now))
        else:
            uow.session.add(DefectiveGoods(case_id=str(returned["case_id"]), order_no=returned["order_no"],
                                           sku=line["sku"], qty=line["qty"], condition=returned["condition"],
                                           received_by=returned["received_by"], recorded_at=now))


def complete_task(uow, task_id, staff_id, settings, put_away=None):
    """Put-away done, or repack done: the goods go back into stock, into the bin `put_away` names (its
    `warehouse` and `bin`; the default bin when it names none; 404 `unknown_bin` for a bin that does not exist)."""
    session, now = uow.session, utcnow()
    task = stored.locked_task(session, task_id)
    if task is None:
        raise NotFound(f"no task {task_id}", code="unknown_task", task_id=task_id)
    if task.status != "open":
        raise Conflict(f"task {task_id} is already {task.status}", code="task_done", task_id=task_id)
    if task.kind != "repack" and put_away and (put_away.get("warehouse") or put_away.get("bin")):
        raise RuleViolation("a put-away's goods go back to the bins they were reserved in: no bin to name",
                            code="bin_not_for_put_away", field="bin", task_id=task_id)
    task.status, task.done_by, task.done_at = "done", staff_id, now
    if task.kind == "repack":
        warehouse, code = inventory.place(session, put_away or {})
        stock.add(session, task.sku, task.qty, "repacked", staff_id, f"return of case {task.case_id}",
                  task.order_no, now, warehouse, code)
        inventory.restocked(uow, {task.sku: task.qty}, "repacked", settings)
    return task
