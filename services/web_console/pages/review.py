"""Order review (审单): the held queue by hold code (refreshing itself), claiming, releasing holds,
correcting the address, approving over holds with a reason, the order's history. Hold reasons, history
and refusals arrive as codes with parameters and are worded here (texts_review)."""
from services.web_console import formatting
from services.web_console.api import ApiError
from services.web_console.routing import routes

STAFF = ("reviewer", "supervisor", "manager")
HOLD_CODES = ("BUYER_REMARK", "BAD_PHONE", "INCOMPLETE_ADDRESS", "AMOUNT_MISMATCH", "COD_RISK",
              "POSSIBLE_DUPLICATE", "CONFLICTING_ORDER", "OUT_OF_STOCK", "COURIER_NOT_SERVED", "BLACKLISTED")
NOT_RELEASABLE = ("OUT_OF_STOCK",)   # released when the warehouse reserves the goods
ADDRESS_FIELDS = ("recipient", "phone", "province", "city", "district", "line1", "postcode")
COURIERS = ("EMS", "ZTO", "DBL")   # the tariff's (order review's COURIERS setting)
LINE_FIELDS = ("sku", "name", "qty", "unit_price", "unit_weight_g")
KEEP, BY_RULES = "keep", "rules"   # the approve form's courier choices besides a courier's code


def _queue(ctx):
    code = ctx.request.args.get("code", "")
    return code, ctx.api.get("order_review", "/queue", **({"code": code} if code else {}), limit=200)["orders"]


@routes.page("/review", roles=STAFF)
def held_queue(ctx):
    code, orders = _queue(ctx)
    return ctx.render("review_queue.html", orders=orders, code=code, codes=HOLD_CODES,
                      reason=lambda hold: hold_reason(ctx.t, hold))


@routes.page("/review/rows", roles=STAFF)
def queue_rows(ctx):
    """The queue's rows alone: htmx polls this (as the case queue does); a failure is a row saying so."""
    try:
        return ctx.render("review_rows.html", orders=_queue(ctx)[1], reason=lambda hold: hold_reason(ctx.t, hold))
    except ApiError as error:
        return ctx.render("review_rows.html", orders=[], error=error)


@routes.page("/review/<order_no>", roles=STAFF)
def order_page(ctx, order_no, error=None):
    order = ctx.api.get("order_review", f"/orders/{order_no}")
    return ctx.render("review_order.html", order=order, fields=ADDRESS_FIELDS, fixed=NOT_RELEASABLE,
                      couriers=COURIERS, line_fields=LINE_FIELDS, goods_line=lambda lines: goods_text(ctx.t, lines),
                      courier_name=lambda code: courier_name(ctx.t, code),
                      refusal=refusal(ctx.t, error) if error else None, status=error.status if error else 200,
                      reason=lambda hold: hold_reason(ctx.t, hold), entry=lambda item: history_entry(ctx.t, item),
                      releasable=[h for h in order["holds"] if h["code"] not in NOT_RELEASABLE],
                      waiting=any(h["code"] in NOT_RELEASABLE for h in order["holds"]))


def _act(ctx, order_no, method, path, body=None, ok=None):
    return ctx.act("order_review", method, f"/orders/{order_no}{path}", body,
                   lambda error: order_page(ctx, order_no, error=error), f"/review/{order_no}", ok)


@routes.page("/review/<order_no>/claim", methods=("POST",), roles=STAFF)
def claim(ctx, order_no):
    return _act(ctx, order_no, "POST", "/claim", ok="done.claim")


@routes.page("/review/<order_no>/unclaim", methods=("POST",), roles=STAFF)
def unclaim(ctx, order_no):
    return _act(ctx, order_no, "DELETE", "/claim", ok="done.unclaim")


@routes.page("/review/<order_no>/holds/<code>/release", methods=("POST",), roles=STAFF)
def release(ctx, order_no, code):
    return _act(ctx, order_no, "POST", f"/holds/{code}/release", ok="done.release")


@routes.page("/review/<order_no>/approve", methods=("POST",), roles=STAFF)
def approve(ctx, order_no):
    """The courier goes only when the reviewer picked one (`rules`: none, shipping's tariff chooses)."""
    reason, courier = ctx.form("reason"), ctx.form("courier", KEEP)
    body = {"reason": reason} if reason else {}
    if courier != KEEP:
        body["courier"] = None if courier == BY_RULES else courier
    return _act(ctx, order_no, "POST", "/approve", body, ok="done.approve")


@routes.page("/review/<order_no>/goods", methods=("POST",), roles=STAFF)
def change_goods(ctx, order_no):
    """The rows with a SKU are the order's lines; numbers the service can't read go as typed (it names them)."""
    rows = len(ctx.request.form.getlist("sku"))
    lines = []
    for index in range(rows):
        line = {name: (ctx.request.form.getlist(name)[index:index + 1] or [""])[0].strip() for name in LINE_FIELDS}
        if line["sku"]:
            lines.append({**line, **{name: _number(line[name]) for name in ("qty", "unit_weight_g")}})
    return _act(ctx, order_no, "POST", "/goods", {"lines": lines, "reason": ctx.form("goods_reason")},
                ok="done.goods")


@routes.page("/review/<order_no>/split", methods=("POST",), roles=STAFF)
def split(ctx, order_no):
    """拆单 (issue #23): what is in stock ships now, the rest follows as a backorder."""
    return _act(ctx, order_no, "POST", "/split", ok="done.split")


def _number(text):
    return int(text) if text.isdigit() else text


@routes.page("/review/<order_no>/reject", methods=("POST",), roles=STAFF)
def reject(ctx, order_no):
    return _act(ctx, order_no, "POST", "/reject", {"reason": ctx.form("reason")}, ok="done.reject")


@routes.page("/review/<order_no>/correct", methods=("POST",), roles=STAFF)
def correct(ctx, order_no):
    """Only the fields the reviewer changed are sent, so the API records exactly those changes."""
    current = ctx.api.get("order_review", f"/orders/{order_no}")["order"]["shipping_address"]
    changed = {name: ctx.form(name) for name in ADDRESS_FIELDS if ctx.form(name) != (current.get(name) or "")}
    return _act(ctx, order_no, "POST", "/corrections", changed, ok="done.correct")


# -- wording the service's codes ---------------------------------------------------------------------

def hold_reason(t, hold):
    """A hold's reason in the reader's language, from its code and parameters ("" when it has none:
    a hold placed before holds carried them shows its name only)."""
    params = hold.get("params") or {}
    if not params:
        return ""
    return _REASONS.get(hold["code"], lambda t, p: "")(t, params)


def _listed(t, items):
    return t("review.sep.list").join(items)


def _clauses(t, items):
    return t("review.sep.clause").join(items)


def _address(t, p):
    parts = [t("hold_reason.missing", parts=_listed(t, (t(f"address.{part}") for part in p["missing"])))
             ] if p.get("missing") else []
    if p.get("implausible"):
        parts.append(t("hold_reason.implausible", items=_listed(t, (
            t("hold_reason.part_value", part=t(f"address.{i['part']}"), value=i["value"]) for i in p["implausible"]))))
    return _clauses(t, parts)


def _amounts(t, p):
    text = t("hold_reason.amounts", lines=p["lines"], shipping=p["shipping"], total=p["total"])
    return _clauses(t, [text, t("hold_reason.paid", paid=p["paid"])]) if p.get("paid") else text


def _cod(t, p):
    parts = [t("hold_reason.cod_amount", amount=p["amount"], limit=p["limit"])] if "amount" in p else []
    parts += [t("hold_reason.cod_refusals", refusals=p["refusals"])] if "refusals" in p else []
    return _clauses(t, parts)


def _duplicate(t, p):
    orders = _listed(t, (t("hold_reason.duplicate_order", order_no=o["order_no"],
                           placed_at=formatting.local(o["placed_at"])) for o in p["orders"]))
    return t("hold_reason.duplicate", hours=p["hours"], orders=orders)


_REASONS = {
    "BUYER_REMARK": lambda t, p: t("hold_reason.BUYER_REMARK", remark=p["remark"]),
    "BAD_PHONE": lambda t, p: t("hold_reason.BAD_PHONE", phone=p["phone"]) if p.get("phone") else t(
        "hold_reason.BAD_PHONE.none"),
    "INCOMPLETE_ADDRESS": _address,
    "AMOUNT_MISMATCH": _amounts,
    "COD_RISK": _cod,
    "POSSIBLE_DUPLICATE": _duplicate,
    "CONFLICTING_ORDER": lambda t, p: t("hold_reason.CONFLICTING_ORDER", order_no=p["order_no"], fields=_listed(
        t, (t(f"order_field.{f}", default=f) for f in p["fields"]))),
    "OUT_OF_STOCK": lambda t, p: t("hold_reason.OUT_OF_STOCK", items=_clauses(
        t, (t("hold_reason.short", **s) for s in p["short"]))),
    "COURIER_NOT_SERVED": lambda t, p: t("hold_reason.COURIER_NOT_SERVED", courier=courier_name(t, p["courier"]),
                                         problems=_problems(t, p["problems"]), province=p["province"],
                                         weight_g=p["weight_g"]),
    "BLACKLISTED": lambda t, p: t("hold_reason.BLACKLISTED", matches=_clauses(t, (
        t("hold_reason.blacklist_match", kind=t(f"blacklist.kind.{m['kind']}"), value=m["value"],
          listed_by=m["listed_by"], reason=m["reason"]) for m in p["matches"]))),
}


def courier_name(t, code):
    return t(f"courier.{code}", default=code or "")


def _problems(t, problems):
    return _listed(t, (t(f"courier_problem.{problem}", default=problem) for problem in problems))


def goods_text(t, lines):
    return _listed(t, (t("review.goods.line", sku=line["sku"], qty=line["qty"]) for line in lines))


def history_entry(t, item):
    """One line of the order's history, worded."""
    event, by = item["event"], item.get("by")
    hold = t(f"hold.{item['code']}") if item.get("code") else ""
    if event == "hold_placed":
        detail = hold_reason(t, item)
        return t("review.history.hold_placed", hold=f"{hold}（{detail}）" if detail else hold)
    if event == "hold_released":
        return t(f"review.history.hold_released.{item['how']}", hold=hold, by=by)
    if event == "corrected":
        shown = (lambda v: courier_name(t, v)) if item["field"] == "courier" else (lambda v: v)
        return t("review.history.corrected", by=by, field=t(f"address.{item['field']}"),
                 before=shown(item["before"]) or t("review.empty"), after=shown(item["after"]) or t("review.empty"))
    if event == "goods_change_refused":
        return t("review.history.goods_change_refused", after=goods_text(t, item["after"]))
    if event == "goods_changed":
        return t("review.history.goods_changed", by=by, before=goods_text(t, item["before"]),
                 after=goods_text(t, item["after"]), reason=item.get("reason") or "")
    if event == "approved":
        if by == "auto":
            return t("review.history.approved_auto")
        return t("review.history.approved_reason", by=by, reason=item["reason"]) if item.get("reason") else t(
            "review.history.approved", by=by)
    if event == "rejected":
        return t("review.history.rejected", by=by, reason=item.get("reason") or "")
    return t(f"review.history.{event}")


def refusal(t, error):
    """The service's refusal, worded from its code and details; fields named in the reader's words."""
    details = error.details
    values = {
        "claimed_by_other": lambda: {"holder": details.get("holder", ""),
                                     "until": formatting.local(details.get("expires_at"))},
        "reason_required": lambda: {"holds": _listed(t, (t(f"hold.{code}") for code in details.get("holds", [])))},
        "correction_fails_review": lambda: {
            "reasons": _clauses(t, (hold_reason(t, hold) for hold in details.get("holds", [])))},
        "already_handed_over": lambda: {"at": formatting.local(details.get("handed_over_at"))},
        "already_delivered": lambda: {"at": formatting.local(details.get("delivered_at"))},
        "goods_change_fails_review": lambda: {
            "reasons": _clauses(t, (hold_reason(t, hold) for hold in details.get("holds", [])))},
        "backorder_no_too_long": lambda: {"backorder_no": details.get("backorder_no", "")},
        "courier_not_served": lambda: {"courier": courier_name(t, details.get("courier")),
                                       "problems": _problems(t, details.get("problems", []))},
    }
    key = f"review_error.{error.code}"
    if t(key, default=""):
        return t(key, **values.get(error.code, dict)())
    if error.fields:
        return t("review_error.fields", fields=_listed(t, (
            t(f"address.{name}", default=t(f"review.field.{name}", default=name)) for name in error.fields)))
    return formatting.error_text(error, t)
