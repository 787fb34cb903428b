"""Warehouse tasks (put-away, repack) and defective goods."""
import sqlalchemy as sa

from services.picking_packing.models import DefectiveGoods, WarehouseTask

TASKS = WarehouseTask.__table__
_CALL_OFF_PUT_AWAY = (sa.update(TASKS).where(TASKS.c.order_no == sa.bindparam("b_order_no"),
                                             TASKS.c.kind == "put_away", TASKS.c.status == "open")
                      .values(status=sa.bindparam("b_status"), done_by=sa.bindparam("b_by"),
                              done_at=sa.bindparam("b_at")))


def call_off_put_away(session, order_no, status, by, at):
    """The order's open put-away tasks end as `status` (nothing is left to put away)."""
    session.connection().execute(_CALL_OFF_PUT_AWAY, {"b_order_no": order_no, "b_status": status, "b_by": by,
                                                      "b_at": at})


def locked_task(session, task_id):
    """One task, locked until commit; None if unknown."""
    return session.get(WarehouseTask, task_id, with_for_update=True)


def tasks(session, kind=None, status=None, limit=200):
    query = sa.select(WarehouseTask).order_by(WarehouseTask.id).limit(limit)
    if kind:
        query = query.where(WarehouseTask.kind == kind)
    if status:
        query = query.where(WarehouseTask.status == status)
    return session.scalars(query).all()


def defective(session, limit=200):
    return session.scalars(sa.select(DefectiveGoods).order_by(DefectiveGoods.id.desc()).limit(limit)).all()
