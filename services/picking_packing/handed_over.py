"""The parcel left with the courier (发货): shipping labels took the hand-over scan and says so (order_shipped).

The pick list follows: handed over, and its reserved goods leave the stock. One cancelled here while shipping
took the hand-over (the cancellation reached us first; shipping, which decides, had handed the parcel over)
follows too: the goods left all the same, so they leave the shelf count (the cancellation had made them
available again) and the put-away of the picked goods is called off: nothing is left to put away.
"""
from services.picking_packing import allocation, pick_lists, stock
from services.picking_packing.status import CANCELLED, HANDED_OVER, PACKED
from services.picking_packing.storage import tasks as stored_tasks
from shared.errors import NotFound, PermanentFailure

CALLED_OFF = "called_off"


def shipped(uow, event):
    session, order_no = uow.session, event["order_no"]
    try:
        sheet = pick_lists.locked(session, order_no)
    except NotFound:
        raise PermanentFailure(f"order {order_no} was handed over, but has no pick list here") from None
    if sheet.status == HANDED_OVER:
        return sheet
    needs, by, at = allocation.needs_of(sheet), event["shipper"], event["shipped_at"]
    if sheet.status == PACKED:
        stock.ship(session, needs, by, order_no, at)
    elif sheet.status == CANCELLED:
        _left_though_cancelled(session, order_no, needs, by, at)
    else:   # shipping labels a parcel only once it is packed, and nothing here unpacks one
        raise PermanentFailure(f"order {order_no} was handed over while its pick list is {sheet.status}")
    pick_lists.save(session, sheet, status=HANDED_OVER, tracking_no=event["tracking_no"], shipper=by,
                    handed_over_at=at)
    return sheet


def _left_though_cancelled(session, order_no, needs, by, at):
    try:
        stock.ship(session, needs, by, order_no, at, reserved=False)
    except stock.StockShortage as short:
        raise PermanentFailure(f"order {order_no} was cancelled here but handed over: its goods left, yet "
                               f"{short} is promised to other orders since; count it") from None
    stored_tasks.call_off_put_away(session, order_no, CALLED_OFF, by, at)
