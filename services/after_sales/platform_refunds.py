"""The platform's answer to a refund asked of it (refunds.py; 001 3.15: 在淘宝后台操作), and its silence.

- `refund_executed`: the case is `refunded` (what was reserved when it was asked is now paid out) and
  `refund_paid` goes to the rest of the suite, paid by whoever asked, at the platform's time.
- `refund_refused`: the case goes back to where the refund was asked from (`approved`, `received`), the
  refusal's code and text shown on it, and the reservation is given back.
- No answer within `PLATFORM_REFUND_TIMEOUT_MINUTES` of the request: the case is flagged (`platform_timed_out_at`,
  in its history), and the refund may be asked again.
An answer told twice, or one that comes after the case has moved on (a refusal after the refund executed),
changes nothing. An answer about a case that is not here, or about another order, and an executed refund of
another amount or for a case that was not waiting for it, can't be right: dead-lettered with the reason.
"""
from datetime import timedelta

from services.after_sales import flow, ledger, storage
from services.after_sales.case_actions import Actor, CaseActions, snapshot
from services.after_sales.refunds import EXECUTED, REFUSED
from shared.errors import PermanentFailure

PLATFORM = Actor("storefront", "platform")   # the platform's answer, told by the storefront
WATCH = Actor("platform-watch", "system")


def _answered_case(actions, event, answer):
    case = storage.case_for_update(actions.session, event["case_id"])
    if case is None or case.order_no != event["order_no"]:
        raise PermanentFailure(f"{answer} for case {event['case_id']} of order {event['order_no']}: "
                               f"no such case here")
    return case


def refund_executed(uow, event, now):
    actions = CaseActions(uow, PLATFORM, now, settings=None)
    case = _answered_case(actions, event, "refund_executed")
    if case.status in (flow.REFUNDED, flow.CLOSED) and case.platform_refund_id == event["platform_refund_id"]:
        return None   # told again
    if case.status != flow.REFUND_PENDING:
        raise PermanentFailure(f"refund_executed {event['platform_refund_id']} for case {case.id}, which is "
                               f"{case.status} (platform refund {case.platform_refund_id}), not waiting for it")
    if event["amount"] != case.amount:
        raise PermanentFailure(f"refund_executed {event['platform_refund_id']} for case {case.id}: "
                               f"{event['amount']} executed, {case.amount} asked")
    before = snapshot(case)
    actions.move(case, "refund_executed")
    case.platform_state, case.platform_refund_id = EXECUTED, event["platform_refund_id"]
    case.platform_answered_at, case.platform_timed_out_at = event["executed_at"], None
    case.refunded_amount, case.refunded_at = case.amount, event["executed_at"]
    actions.record(case, "refund_executed", before, platform_refund_id=event["platform_refund_id"],
                   amount=event["amount"], executed_at=event["executed_at"])
    actions.publish(case, "refund_paid", customer_id=case.customer_id, amount=case.amount,
                    paid_by=case.platform_requested_by, paid_at=event["executed_at"])
    return case


def refund_refused(uow, event, now):
    actions = CaseActions(uow, PLATFORM, now, settings=None)
    case = _answered_case(actions, event, "refund_refused")
    if case.status != flow.REFUND_PENDING:
        return None   # late or told again: the case has moved on
    before = snapshot(case)
    actions.move(case, "refund_refused")
    ledger.release_refund(actions.session, case.order_no, case.amount)
    case.platform_state, case.platform_answered_at, case.platform_timed_out_at = REFUSED, event["refused_at"], None
    case.platform_refusal_code, case.platform_refusal_text = event["code"], event["text"]
    actions.record(case, "refund_refused", before, code=event["code"], text=event["text"],
                   refused_at=event["refused_at"])
    return case


def flag_unanswered(uow, now, timeout_minutes):
    """Every case the platform has not answered within `timeout_minutes` of the request is flagged, once."""
    actions = CaseActions(uow, WATCH, now, settings=None)
    overdue = storage.unanswered_platform_refunds_for_update(uow.session, now - timedelta(minutes=timeout_minutes))
    for case in overdue:
        before = snapshot(case)
        case.platform_timed_out_at = now
        actions.record(case, "platform_timeout", before, requested_at=case.platform_requested_at,
                       attempt=case.platform_attempts, timeout_minutes=timeout_minutes)
    return [case.id for case in overdue]
