"""Refunds only against secured goods (issue 18 item 1; README "Refund rules").

A refund-only case approved after the parcel was handed over waits, in `awaiting_secured`, until
the goods are secured: the carrier scans the parcel intercepted, returning or returned to sender,
or a supervisor who did not open the case overrides, with a reason. Until then the refund is
refused (409 goods_not_secured).
"""
from services.after_sales import flow, orders
from services.after_sales.case_actions import CaseActions

SCANS = ("intercepted", "returning", "returned_to_sender")   # what the carrier may say
OVERRIDE = "override"


def must_wait(case_type, reason, order_status, secured):
    """Whether approving this case must wait for the goods before its refund can be paid."""
    if case_type != flow.REFUND_ONLY or secured:
        return False
    if order_status == orders.SHIPPED:   # with the carrier: stop it first, or the goods and the money go
        return True
    # The carrier says delivered, the buyer says not received: only a supervisor's override, once they have
    # checked with the courier (e.g. a forged signature), lets the money go. A refund for goods the buyer has
    # and keeps (compensation for damage) does not wait.
    return order_status == orders.DELIVERED and reason == "not_received"


class SecureActions(CaseActions):
    def secure(self, case_id, body):
        """A supervisor's override: the goods count as secured without a carrier's scan (who, when, why)."""
        case, before = self.load(case_id, "secure")
        secure(self, case, before, OVERRIDE, self.now, reason=body["reason"])
        return case


def secure(actions, case, before, how, at, reason=None):
    """The case's refund may now be paid: recorded on the case and in its history."""
    actions.move(case, "secure")
    case.secured_at, case.secured_how = at, how
    case.secured_by, case.secured_reason = actions.actor.staff_id, reason
    actions.record(case, "secure", before, how=how, at=at, reason=reason)
