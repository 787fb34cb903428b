"""After-sales forms: which actions a person sees on a case, and the API bodies their forms make."""
from contracts.after_sales import CONDITIONS  # noqa: F401  (offered to the templates)
from services.web_console.api import ApiError

CASE_TYPES = ("refund_only", "return_refund", "exchange")   # what an agent opens
QUEUE_TYPES = CASE_TYPES + ("recovery", "stuck_parcel")    # what the queue shows (the service opens those two)
REASONS = ("not_received", "damaged", "wrong_item", "quality", "not_as_described", "changed_mind", "other")
STATUSES = ("pending_approval", "negotiation", "approved", "awaiting_secured", "awaiting_return", "return_shipped",
            "received", "refunded", "replacement_ordered", "recovery_open", "exception_open", "closed")
SLA_COLOURS = ("green", "yellow", "red")
NOTE_KINDS = ("internal", "answer", "ask_buyer", "buyer_reply")
# What the warehouse ticks off when a return is unpacked; anything unticked is a missing accessory.
ACCESSORIES = ("packaging", "accessories", "manual", "gifts")

# Who may take which action (the service decides too; this only keeps forms away from people who can't use them).
ROLE_ACTIONS = {
    "supervisor": ("approve", "reject", "secure", "refund", "close", "note", "reassign"),
    "agent": ("resubmit", "return_shipped", "close", "note"),
    "warehouse": ("receive",),
}
ENDPOINTS = {"return_shipped": "return-shipped", "note": "notes"}


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


def _lines(form, prefix="line"):
    lines = []
    for index in range(10):
        sku, qty = form.get(f"{prefix}_sku_{index}", "").strip(), form.get(f"{prefix}_qty_{index}", "").strip()
        if sku or qty:
            lines.append({"sku": sku, "qty": int(qty) if qty.isdigit() else qty})
    return lines


def _text(form, name):
    return form.get(name, "").strip()


def open_case_body(form):
    body = {"order_no": _text(form, "order_no"), "case_type": _text(form, "case_type"),
            "reason": _text(form, "reason"), "reason_text": _text(form, "reason_text"), "lines": _lines(form),
            "include_shipping_fee": form.get("include_shipping_fee") == "on",
            "difficult": form.get("difficult") == "on"}
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
