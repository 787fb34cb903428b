"""The shop's return window (七天无理由退货; issue 23), no nameko here.

A return or an exchange asked for within `RETURN_WINDOW_DAYS` (default 7) of the moment the buyer got the goods is
the shop's policy (符合店铺服务要求): an agent other than its opener may approve it (the buyer then ships the goods
back; the money is still paid by a supervisor). Asked for later, the case opens all the same, but only a supervisor
approves it: an agent meets 403 `outside_return_window` naming the window's days, when it ended and how many days
after the delivery the return was asked for. A refund without a return (`refund_only`) is a supervisor's decision
whatever the day (403 `supervisor_decides` for an agent), as business-rules §5 has it.

The window counts from the carrier's delivery scan (消费者权益保护法 art. 25: 自收到商品之日起七日内: the buyer has had
the goods since then), or from the hand-over to the carrier when no delivery was told (a parcel may arrive without
its scan reaching us; the hand-over is the earliest the buyer could have had it, so such a window never ends later
than the delivery's would: the doubt goes to a supervisor, not to an agent). It is 24-hour days from that moment, as
the platforms count 7 × 24 h from signing; the last moment of the window still counts as inside.
"""
import math
from datetime import timedelta

from services.after_sales import flow
from shared.errors import PermissionDenied
from shared.timeutil import to_iso

DAY_SECONDS = 86400


def mark(case, order, days):
    """The window of a new return or exchange case (none for a refund without a return, or for goods never
    handed over: money.check_lines refuses a return of those anyway)."""
    start = order.delivered_at or order.shipped_at
    if case.case_type not in flow.RETURN_TYPES or start is None:
        return
    case.return_window_from, case.return_window_ends_at = start, start + timedelta(days=days)


def after_window(case):
    return case.return_window_ends_at is not None and case.opened_at > case.return_window_ends_at


def window_view(case):
    """The window as the case page shows it (None when the case has none)."""
    if case.return_window_ends_at is None:
        return None
    return {"starts_at": case.return_window_from, "ends_at": case.return_window_ends_at,
            "days": _days(case.return_window_ends_at - case.return_window_from),
            "asked_after_days": _days(case.opened_at - case.return_window_from), "after": after_window(case)}


def _days(span):
    """Whole days begun: asked one second after the 7th day is asked on day 8."""
    return math.ceil(span.total_seconds() / DAY_SECONDS)


def refusal(case, actor):
    """Why this agent may not approve the case (None if they may, or if they are not an agent)."""
    if actor.role != "agent":
        return None
    if case.case_type not in flow.RETURN_TYPES:
        return PermissionDenied(f"case {case.id} is a {case.case_type}: a supervisor approves it",
                                code="supervisor_decides", action="approve", case_type=case.case_type)
    if after_window(case):
        view = window_view(case)
        return PermissionDenied(
            f"the return was asked for {view['asked_after_days']} days after delivery, after the "
            f"{view['days']}-day return window ended: a supervisor approves it", code="outside_return_window",
            action="approve", window_days=view["days"], asked_after_days=view["asked_after_days"],
            window_ended_at=to_iso(view["ends_at"]))
    return None
