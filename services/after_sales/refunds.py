"""Paying the buyer back (买家收款), exactly once, within what was paid for the order."""
from services.after_sales import ledger
from services.after_sales.case_actions import CaseActions


class RefundActions(CaseActions):
    def refund(self, case_id):
        case, before = self.load(case_id, "refund")   # concurrent refunds of one case queue here, then see "refunded"
        self.move(case, "refund")
        ledger.pay_refund(self.session, case.order_no, case.amount)   # conditional UPDATE across all cases
        case.refunded_amount, case.refunded_at = case.amount, self.now
        self.record(case, "refund", before, amount=case.amount)
        self.publish(case, "refund_paid", customer_id=case.customer_id, amount=case.amount,
                     paid_by=self.actor.staff_id, paid_at=self.now)
        return case
