"""Warehouse tasks (仓库任务): goods to put back after an order was cancelled once picked (上架), and resellable
returns to repack (重新包装), each marked done by whoever did it; a repack names the bin its goods go back into
(the default bin when none is named). Below them, the returned goods recorded as not resellable (不良品)."""
from services.web_console.routing import routes

TASK_ROLES = ("warehouse", "manager", "picker", "packer")   # picking_packing's TASK_ROLES
SHOWN = 100


@routes.page("/warehouse-tasks", roles=TASK_ROLES)
def warehouse_tasks(ctx, error=None):
    def listed(status):
        return ctx.api.get("picking_packing", "/tasks", status=status, limit=SHOWN)["tasks"]
    warehouses = ctx.api.get("picking_packing", "/warehouses")["warehouses"]
    defective = ctx.api.get("picking_packing", "/defective-goods", limit=SHOWN)["defective"]
    return ctx.render("warehouse_tasks.html", open_tasks=listed("open"), done_tasks=listed("done"),
                      warehouses=warehouses, defective=defective, error=error, status=error.status if error else 200)


@routes.page("/warehouse-tasks/<int:task_id>/done", methods=("POST",), roles=TASK_ROLES)
def complete(ctx, task_id):
    body = {name: ctx.form(name) for name in ("warehouse", "bin") if ctx.form(name)}
    return ctx.act("picking_packing", "POST", f"/tasks/{task_id}/done", body,
                   lambda error: warehouse_tasks(ctx, error=error), "/warehouse-tasks", "tasks.done_ok")
