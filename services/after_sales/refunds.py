"""Paying the buyer back (买家收款): the platform executes the refund (001 3.15: 在淘宝后台操作).

The refund action, by whoever may pay it (the case's opener may not: duties.py; not while the goods are
not secured: securing.py), asks the storefront to execute it (`refund_execution_requested`) and the case
waits in `refund_pending` (待平台退款) for the platform's answer (platform_refunds.py). The money is
**reserved when it is asked for**: the order's refunded total takes the amount at once, with a conditional
UPDATE across all its cases (ledger.py), so two requests can never ask the platform for more than was paid;
a refusal gives it back. Asked again only once the platform's answer is overdue (flagged by the watch in
platform_refunds.py): the reservation stands, the same request goes out again with the next attempt number.
"""
from services.after_sales import flow, ledger
from services.after_sales.case_actions import CaseActions

WAITING, EXECUTED, REFUSED = "waiting", "executed", "refused"   # the platform's side of a case


class RefundActions(CaseActions):
    def refund(self, case_id):
        case, before = self.load(case_id, "refund")   # concurrent refunds of one case queue here
        again = case.status == flow.REFUND_PENDING
        self.move(case, "refund", platform_overdue=case.platform_timed_out_at is not None)
        if not again:
            ledger.pay_refund(self.session, case.order_no, case.amount)   # conditional UPDATE across all cases
        case.platform_state, case.platform_timed_out_at = WAITING, None
        case.platform_requested_at, case.platform_requested_by = self.now, self.actor.staff_id
        case.platform_attempts = (case.platform_attempts or 0) + 1
        case.platform_refusal_code = case.platform_refusal_text = None
        self.record(case, "refund", before, amount=case.amount, attempt=case.platform_attempts)
        self.publish(case, "refund_execution_requested", amount=case.amount, reason=case.reason,
                     reason_text=case.reason_text, platform_request_id=case.platform_request_id,
                     attempt=case.platform_attempts, requested_by=self.actor.staff_id, requested_at=self.now)
        return case
