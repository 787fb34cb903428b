"""Use cases of a refund case on the flow chart (business-rules §5), on a unit of work."""
from services.after_sales import assignment, deadlines, flow, ledger, money, orders, return_window, securing, storage
from services.after_sales.case_actions import CaseActions, wanted_of
from services.after_sales.models import RefundCase
from services.after_sales.refunds import RefundActions
from services.after_sales.returns import ReturnActions, accept_return
from services.after_sales.securing import SecureActions
from services.after_sales.sla import difficulty
from shared.errors import Conflict


class CaseLifecycle(CaseActions):
    """Agents open, note and resubmit; supervisors approve, reject and reassign; either may close."""

    def open(self, body, platform_request_id=None, requested_at=None):
        """An agent's case; or the buyer's application on the platform (buyer_requests.py), with the platform's
        id and when the buyer applied. Its assignee: the opener's, or, for someone else's (`for_duty_agent`, as
        every buyer's application is), the agent on duty's (assignment.py)."""
        order = self.order(body["order_no"])
        wanted = money.check_lines(self._order_lines(order.order_no), body["lines"], body["case_type"])
        amount = self._checked_amount(order, body["case_type"], wanted, body["include_shipping_fee"],
                                      body.get("amount"))
        if body["case_type"] in flow.RETURN_TYPES:
            ledger.claim_return(self.session, order.order_no, wanted)
        because = difficulty(self.settings, body["difficult"], body["reason"], amount, self._disputed(order.order_no))
        case = RefundCase(
            order_no=order.order_no, customer_id=order.customer_id, case_type=body["case_type"],
            status=flow.PENDING, reason=body["reason"], reason_text=body["reason_text"],
            lines=[{"sku": sku, "qty": qty} for sku, qty in sorted(wanted.items())], amount=amount,
            include_shipping_fee=body["include_shipping_fee"], difficult=because is not None,
            difficult_because=because, opened_by=self.actor.staff_id,
            assignee=assignment.assignee_of_new(self.session, self.settings, self.actor.staff_id,
                                                body.get("for_duty_agent", False)),
            opened_at=self.now, updated_at=self.now, return_in_hand=False, platform_request_id=platform_request_id)
        self.clock(case).start(self.now, self.settings.budget_seconds(case.difficult))
        return_window.mark(case, order, self.settings.return_window_days)
        deadlines.start(case, self.calendar, self.settings, self.now)
        self.session.add(case)
        self.record(case, "open", None, difficult_because=because,
                    after_return_window=return_window.after_window(case) or None,
                    **({"platform_request_id": platform_request_id, "requested_at": requested_at}
                       if platform_request_id else {}))
        # A case the buyer opened on the platform names no agent: it proves nothing about a person.
        self.publish(case, "case_opened", customer_id=case.customer_id, case_type=case.case_type,
                     reason=case.reason, amount=amount, agent="" if platform_request_id else self.actor.staff_id,
                     difficult=case.difficult)
        return case

    def _checked_amount(self, order, case_type, wanted, include_shipping_fee, amount, case_id=None):
        """`order` is locked (CaseActions.order): cases opened at once on one order are checked one after another."""
        cap = money.case_cap(self._order_lines(order.order_no), wanted, include_shipping_fee, order.shipping_fee)
        return money.check_amount(case_type, amount, cap, order.paid_amount, order.refunded,
                                  storage.held_by_open_cases(self.session, order.order_no, case_id))

    def _order_lines(self, order_no):
        return {line.sku: line for line in storage.order_lines(self.session, order_no)}

    def _disputed(self, order_no):
        """A buyer coming back after an earlier case was rejected (a dispute: a difficult case)."""
        return storage.has_rejected_case(self.session, order_no)

    def note(self, case_id, body):
        kind = body["kind"]
        case, before = self.load(case_id, "note", kind)
        flow.require_open(case.status, case.case_type)
        if kind == "ask_buyer":
            self.clock(case).pause(self.now)
        elif kind == "buyer_reply":
            self.clock(case).resume(self.now)
        elif kind == "answer":
            self.answer(case)
        self.record(case, "note", before, kind=kind, text=body["text"])
        return case

    def approve(self, case_id, body):
        case, before = self.load(case_id, "approve")
        order = self.order(case.order_no)
        must_secure = securing.must_wait(case.case_type, case.reason, order.status, order.goods_secured_at is not None)
        self.move(case, "approve", return_in_hand=case.return_in_hand, must_secure=must_secure)
        before_handover = not orders.handed_over(order)
        if case.case_type == flow.REFUND_ONLY:
            self._stop_fulfilment(case, order)
        elif case.return_in_hand:
            accept_return(self, case)
        self.answer(case)
        self.record(case, "approve", before, note=body["note"])
        self.publish(case, "case_approved", case_type=case.case_type, supervisor=self.actor.staff_id,
                     before_handover=before_handover)
        return case

    def _stop_fulfilment(self, case, order):
        """Goods not received: cancel picking before hand-over, ask the carrier to intercept after."""
        if order.status == orders.PLACED:
            order.status = orders.CANCELLED
            self.publish(case, "order_cancelled", reason=f"refund case {case.id}: {case.reason}",
                         by=self.actor.staff_id)
        elif order.status == orders.SHIPPED and order.goods_secured_at is None:
            self.publish(case, "interception_requested", tracking_no=order.tracking_no, by=self.actor.staff_id)

    def reject(self, case_id, body):
        case, before = self.load(case_id, "reject")
        self.move(case, "reject")
        self.answer(case)
        self.record(case, "reject", before, reason=body["reason"])
        self.publish(case, "case_rejected", supervisor=self.actor.staff_id, reason=body["reason"])
        return case

    def resubmit(self, case_id, body):
        """Back to the supervisor from negotiation, possibly for a negotiated amount."""
        case, before = self.load(case_id, "resubmit")
        self.move(case, "resubmit")
        if body.get("amount") is not None:
            case.amount = self._checked_amount(self.order(case.order_no), case.case_type, wanted_of(case),
                                               case.include_shipping_fee, body["amount"], case.id)
        self.record(case, "resubmit", before, note=body["note"])
        return case

    def close(self, case_id, body):
        case, before = self.load(case_id, "close")
        came_from = case.status
        self.move(case, "close")
        case.outcome, case.closed_at = flow.OUTCOMES[came_from], self.now
        if case.case_type in flow.RETURN_TYPES and came_from in (flow.PENDING, flow.NEGOTIATION):
            # The goods stay with (or go back to) the buyer: they no longer count as returned.
            storage.release_returned(self.session, case.order_no, wanted_of(case))
        self.record(case, "close", before, note=body["note"])
        self.publish(case, "case_closed", by=self.actor.staff_id, outcome=case.outcome, message=body["note"])
        return case

    def reassign(self, case_id, body):
        """A supervisor hands an open case to another agent: its buyer, SLA clock and answer go with it."""
        case, before = self.load(case_id, "reassign")
        flow.require_open(case.status, case.case_type)
        if body["agent"] == case.assignee:
            raise Conflict(f"case {case.id} is already assigned to {case.assignee}", code="already_assigned",
                           assignee=case.assignee)
        case.assignee, case.updated_at = body["agent"], self.now
        self.record(case, "reassign", before, **{"from": before["assignee"], "to": case.assignee,
                                                  "note": body["note"]})
        return case


class AllCaseActions(CaseLifecycle, ReturnActions, SecureActions, RefundActions):
    """Every action on a case over HTTP: opening and deciding, the return, securing the goods, the refund."""
