"""Where a pick list stands, what the floor does next, and guarded moves between states."""
import sqlalchemy as sa

from services.picking_packing.models import PickList

WAITING = "waiting_stock"     # approved, short of stock
READY = "ready"               # stock reserved, nothing picked yet
PICKING = "picking"
PICKED = "picked"
HELD = "held"                 # weight outside tolerance: re-weigh or supervisor override
PACKED = "packed"
HANDED_OVER = "handed_over"
CANCELLED = "cancelled"

ALL = (WAITING, READY, PICKING, PICKED, HELD, PACKED, HANDED_OVER, CANCELLED)
RESERVING = (READY, PICKING, PICKED, HELD, PACKED)   # stock is reserved for these

NEXT_STEP = {
    WAITING: "wait for stock",
    READY: "pick",
    PICKING: "pick",
    PICKED: "pack and weigh",
    HELD: "re-weigh, or a supervisor override",
    PACKED: "hand over to the courier (scanned at shipping labels)",
    HANDED_OVER: "nothing: the parcel has left",
    CANCELLED: "nothing: put picked goods back (see put-away tasks)",
}


def transition(session, order_no, from_statuses, to_status, **values):
    """Move a pick list only if it still stands where we think (1 if it moved, 0 if not)."""
    return session.execute(
        sa.update(PickList).where(PickList.order_no == order_no, PickList.status.in_(from_statuses))
        .values(status=to_status, **values)).rowcount
