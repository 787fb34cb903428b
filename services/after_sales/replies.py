"""Cases as the API answers with them: the stored case, its SLA colour now, what may be done next."""
from contracts.base import schema
from services.after_sales import deadlines, flow, inspection, lookups, return_window
from services.after_sales.schemas import CaseView, ReturnNoteView

_PLAIN = ("id", "order_no", "customer_id", "case_type", "status", "reason", "reason_text", "lines", "amount",
          "include_shipping_fee", "assignee", "opened_by", "opened_at", "updated_at", "return_carrier",
          "return_tracking_no", "secured_at", "secured_how", "secured_by", "secured_reason", "refunded_amount",
          "refunded_at", "replacement_order_no", "closed_at", "outcome")


def case_reply(case, now, history=None, note=None, refused=None):
    view = {name: getattr(case, name) for name in _PLAIN}
    view["allowed_actions"] = lookups.allowed_actions(case)
    view["sla"] = {
        "colour": lookups.colour(case, now), "difficult": case.difficult,
        "difficult_because": case.difficult_because, "budget_minutes": case.sla_budget_s // 60,
        "deadline": case.sla_deadline, "yellow_at": case.sla_yellow_at,
        "paused": (case.answered_at is None and case.sla_running_since is None
                   and case.case_type not in flow.SERVICE_OPENED),
        "breached_at": case.sla_breached_at, "answered_at": case.answered_at, "answered_by": case.answered_by,
        "within_sla": case.answered_within_sla}
    view["deadlines"] = deadlines.view(case, now)
    view["escalation"] = deadlines.escalation_view(case)
    view["return_window"] = return_window.window_view(case)
    view["platform"] = None if case.platform_state is None else {
        "state": case.platform_state, "requested_at": case.platform_requested_at,
        "requested_by": case.platform_requested_by, "attempts": case.platform_attempts,
        "amount": case.amount, "timed_out_at": case.platform_timed_out_at, "answered_at": case.platform_answered_at,
        "refund_id": case.platform_refund_id, "refusal_code": case.platform_refusal_code,
        "refusal_text": case.platform_refusal_text}
    view["platform_request_id"] = case.platform_request_id
    if history is not None:
        view["history"] = history
    if note is not None:
        view["return_note"] = {**{name: getattr(note, name) for name in ReturnNoteView().fields if name != "findings"},
                               "findings": inspection.findings(case.lines, case.reason, note.lines,
                                                               note.accessories_complete, note.condition)}
    if refused is not None:
        view["refused"] = refused
    return schema(CaseView).dump(view)
