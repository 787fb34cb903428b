"""After-sales forms: which actions a person sees on a case, and the API bodies their forms make; the queue's
filters, the amount a new case starts from, and a case's history in words."""
from decimal import Decimal, InvalidOperation

from contracts.after_sales import CONDITIONS  # noqa: F401  (offered to the templates)
from services.web_console.api import ApiError

CASE_TYPES = ("refund_only", "return_refund", "exchange")   # what an agent opens
QUEUE_TYPES = CASE_TYPES + ("recovery", "stuck_parcel")    # what the queue shows (the service opens those two)
REASONS = ("not_received", "damaged", "wrong_item", "quality", "not_as_described", "changed_mind", "other")
STATUSES = ("pending_approval", "negotiation", "approved", "awaiting_secured", "awaiting_return", "return_shipped",
            "received", "refund_pending", "refunded", "replacement_ordered", "recovery_open", "exception_open", "closed")
SLA_COLOURS = ("green", "yellow", "red")
NOTE_KINDS = ("internal", "answer", "ask_buyer", "buyer_reply")
# What the warehouse ticks off when a return is unpacked; anything unticked is a missing accessory.
ACCESSORIES = ("packaging", "accessories", "manual", "gifts")

# Who may take which action (the service decides too; this only keeps forms away from people who can't use them).
ROLE_ACTIONS = {
    "supervisor": ("approve", "reject", "secure", "refund", "close", "note", "reassign"),
    "agent": ("approve", "resubmit", "return_shipped", "close", "note"),   # approve: a return in the window
    "warehouse": ("receive",),
}
ENDPOINTS = {"return_shipped": "return-shipped", "note": "notes"}
SORTS = ("time_left", "newest")
# The queue's filters, as the form names them; a first visit (no query at all) shows open cases, the least
# time left first, and an agent's own.
FILTERS = ("case_type", "status", "sla", "order_no", "return_tracking_no", "sort", "mine", "open", "platform",
           "escalated")
PLATFORM_FILTERS = ("waiting", "timed_out")   # cases waiting for the platform's refund: in time, or overdue


def actions_for(case, role):
    """The actions the case's state allows, the person's role may take and their duties don't forbid
    (the service lists those in the case's `refused`), in the state's order."""
    mine = ROLE_ACTIONS.get(role, ())
    barred = {refusal["action"] for refusal in case.get("refused", ()) if refusal["kind"] is None}
    return [action for action in case["allowed_actions"] if action in mine and action not in barred]


def note_kinds_for(case):
    """The kinds of note this person may write (an agent speaks with the buyer only on their own cases)."""
    barred = {refusal["kind"] for refusal in case.get("refused", ()) if refusal["action"] == "note"}
    return [kind for kind in NOTE_KINDS if kind not in barred]


def refusals_for(case, role):
    """Why actions this person's role could take are not offered: one refusal per reason."""
    mine = ROLE_ACTIONS.get(role, ())
    reasons = {refusal["error"]: refusal for refusal in case.get("refused", ()) if refusal["action"] in mine}
    return [ApiError(403, code, refusal["message"]) for code, refusal in reasons.items()]


def endpoint(action):
    return ENDPOINTS.get(action, action)


def _lines(form, prefix="line", chosen_only=False):
    """`chosen_only`: leave out a line whose quantity is blank or 0 (a new case lists every line of the order)."""
    lines = []
    for index in range(200):
        sku, qty = form.get(f"{prefix}_sku_{index}", "").strip(), form.get(f"{prefix}_qty_{index}", "").strip()
        if chosen_only and qty in ("", "0"):
            continue
        if sku or qty:
            lines.append({"sku": sku, "qty": int(qty) if qty.isdigit() else qty})
    return lines


def _text(form, name):
    return form.get(name, "").strip()


def open_case_body(form):
    body = {"order_no": _text(form, "order_no"), "case_type": _text(form, "case_type"),
            "reason": _text(form, "reason"), "reason_text": _text(form, "reason_text"),
            "lines": _lines(form, chosen_only=True),
            "include_shipping_fee": form.get("include_shipping_fee") == "on",
            "difficult": form.get("difficult") == "on", "for_duty_agent": form.get("for_duty_agent") == "on"}
    if _text(form, "amount"):
        body["amount"] = _text(form, "amount")
    return body


def receive_body(form, missing_label):
    """The accessories checklist: complete only if every box is ticked; the missing ones go on the note."""
    missing = [missing_label(item) for item in ACCESSORIES if form.get(f"accessory_{item}") != "on"]
    remarks = "; ".join(filter(None, [_text(form, "remarks"), ", ".join(missing)]))
    return {"reason": _text(form, "reason"), "lines": _lines(form), "accessories_complete": not missing,
            "condition": _text(form, "condition"), "remarks": remarks[:1000]}


def action_body(action, form, missing_label):
    if action == "receive":
        return receive_body(form, missing_label)
    fields = {"approve": ("note",), "close": ("note",), "reject": ("reason",), "resubmit": ("note", "amount"),
              "return_shipped": ("carrier", "tracking_no"), "note": ("text", "kind"), "refund": (),
              "reassign": ("agent", "note"), "secure": ("reason",)}[action]
    return {name: _text(form, name) for name in fields if _text(form, name) or name != "amount"}


def queue_filters(args, role):
    if not args:
        return {"sort": "time_left", "open": "1", "mine": "1" if role == "agent" else ""}
    return {name: args.get(name, "").strip() for name in FILTERS}


def queue_query(filters, staff_id):
    """The service's query for the queue's filters."""
    query = {name: filters.get(name) for name in ("case_type", "status", "sla", "order_no", "return_tracking_no",
                                                  "sort", "platform") if filters.get(name)}
    if filters.get("open"):
        query["open"] = "true"
    if filters.get("mine"):
        query["assignee"] = staff_id
    if filters.get("escalated"):
        query["escalated"] = "true"
    return query


def _money(text):
    try:
        value = Decimal(str(text).strip())
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def order_lines_asked(order, form):
    """{sku: qty} the form asks for, of the order's lines (a quantity that is not a whole number counts as none)."""
    by_sku = {line["sku"]: line for line in order["lines"]}
    asked = {}
    for line in _lines(form):
        if line["sku"] in by_sku and isinstance(line["qty"], int) and line["qty"] > 0:
            asked[line["sku"]] = asked.get(line["sku"], 0) + line["qty"]
    return asked


def prefilled_amount(order, form):
    """What the chosen lines are worth (plus the shipping fee when ticked), never more than the order still
    refunds; "" when no line is chosen or it is an exchange. The service checks the amount again."""
    if form.get("case_type") == "exchange":
        return ""
    asked = order_lines_asked(order, form)
    if not asked:
        return ""
    prices = {line["sku"]: _money(line["unit_price"]) for line in order["lines"]}
    worth = sum((prices[sku] * qty for sku, qty in asked.items()), Decimal("0.00"))
    if form.get("include_shipping_fee") == "on":
        worth += _money(order["shipping_fee"])
    return str(min(worth, _money(order["refundable"])).quantize(Decimal("0.01")))


def history_rows(case, t, local):
    """[(when, who, role, what, before status, after status)]: each action in words, with the note, reason or
    amount it carried (an agent learns why a case was rejected)."""
    return [(local(h["at"]), h["actor"], h["role"], _what(h["action"], h.get("detail") or {}, t, local),
             (h.get("before") or {}).get("status"), (h.get("after") or {}).get("status"))
            for h in case.get("history", ())]


def _what(action, detail, t, local):
    said = [t(f"action.{action}")]
    if action == "note":
        said = [t("hist.note", kind=t(f"note_kind.{detail.get('kind', 'internal')}"), text=detail.get("text", ""))]
    elif action == "reject":
        said.append(t("hist.reject", reason=detail.get("reason", "")))
    elif action == "reassign":
        said.append(t("hist.reassign", from_=detail.get("from") or "", to=detail.get("to") or ""))
    elif action == "refund":
        said.append(t("hist.refund", amount=detail.get("amount", "")))
        if detail.get("attempt"):
            said.append(t("hist.attempt", attempt=detail["attempt"]))
    elif action == "refund_executed":
        said.append(t("hist.refund_executed", refund_id=detail.get("platform_refund_id", "")))
    elif action == "refund_refused":
        said.append(t("hist.refund_refused", code=detail.get("code", ""), text=detail.get("text", "")))
    elif action == "open" and detail.get("platform_request_id"):
        said.append(t("hist.platform_request", request_id=detail["platform_request_id"]))
    elif action == "return_shipped":
        said.append(t("hist.return_shipped", carrier=detail.get("carrier", ""),
                      tracking_no=detail.get("tracking_no", "")))
    elif action == "receive":
        said.append(t("hist.receive", condition=t(f"condition.{detail.get('condition')}")))
        if detail.get("discrepancies"):
            said.append(t("hist.discrepancies"))
    elif action == "secure":
        said.append(t("hist.secure", how=t(f"secured.{detail.get('how')}"), reason=detail.get("reason") or ""))
    elif action in ("sla_breached", "update_breached", "resolution_breached") and detail.get("deadline"):
        said.append(t("hist.deadline", at=local(detail["deadline"])))
    if detail.get("difficult_because"):
        said.append(t("hist.difficult", why=t(f"difficult_because.{detail['difficult_because']}")))
    if detail.get("delivered_at"):
        said.append(t("hist.delivered_at", at=local(detail["delivered_at"])))
    if detail.get("silent_days"):
        said.append(t("hist.silent", days=detail["silent_days"]))
    if detail.get("outcome"):
        said.append(t("hist.outcome", outcome=t(f"case_outcome.{detail['outcome']}")))
    words = " ".join(part for part in said if part)
    return words + t("hist.with_note", note=detail["note"]) if detail.get("note") else words
