"""The buyer applies (买家申请退款, with a reason: the start of seed 001's chart): the storefront tells of the
buyer's application on the platform (`refund_requested`) and a case opens as an agent's open does, with the
same rules and checks (money.py, ledger.py), opened by the storefront (so any supervisor may decide on it:
duties.py) and, as any case opened for someone else (`for_duty_agent`), assigned to the agent on duty with the
fewest open cases, or, with nobody on duty or `AUTO_ASSIGN` off, waiting in the agents' queue (the first agent
who acts on it takes it; assignment.py). One case per application: the platform's id told again finds its case.
An application the rules refuse (more than was paid, goods not on the order) is dead-lettered with the reason."""
from services.after_sales import storage
from services.after_sales.case_actions import Actor
from services.after_sales.cases import CaseLifecycle
from shared.errors import PermanentFailure, RuleViolation

BUYER = Actor("storefront", "buyer")   # the buyer's application, told by the storefront


def open_from_platform(uow, event, now, settings):
    if storage.case_of_platform_request(uow.session, event["platform_request_id"]) is not None:
        return None   # this application has its case
    actions = CaseLifecycle(uow, BUYER, now, settings)
    lines = event["lines"] or [{"sku": line.sku, "qty": line.qty}
                               for line in storage.order_lines(uow.session, event["order_no"])]
    body = {"order_no": event["order_no"], "case_type": event["kind"], "reason": event["reason"],
            "reason_text": event["reason_text"], "lines": lines, "amount": event["amount"],
            "include_shipping_fee": event["include_shipping_fee"], "difficult": False, "for_duty_agent": True}
    try:
        return actions.open(body, platform_request_id=event["platform_request_id"],
                            requested_at=event["requested_at"])
    except RuleViolation as exc:
        raise PermanentFailure(f"refund_requested {event['platform_request_id']} for {event['order_no']}: "
                               f"{exc.code}: {exc.message} {exc.details}") from None
