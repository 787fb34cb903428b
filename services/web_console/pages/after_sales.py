"""After-sales (售后): the live case queue, a case with only its allowed actions, opening a case."""
from urllib.parse import quote, urlencode

from services.web_console import case_forms, formatting
from services.web_console.api import ApiError
from services.web_console.routing import routes

READERS = ("agent", "supervisor", "warehouse", "manager")


def _filters(ctx):
    return case_forms.queue_filters(ctx.request.args, ctx.role)


def _cases(ctx, filters):
    return ctx.api.get("after_sales", "/cases", **case_forms.queue_query(filters, ctx.identity.staff_id))["cases"]


@routes.page("/cases", roles=READERS)
def queue(ctx):
    filters = _filters(ctx)
    return ctx.render("cases.html", cases=_cases(ctx, filters), filters=filters, forms=case_forms,
                      rows_query=urlencode(filters))


@routes.page("/cases/rows", roles=READERS)
def queue_rows(ctx):
    """The queue's rows alone: htmx polls this so colours and time left stay current. A failure is
    answered as a row saying so (htmx would keep stale rows on an error status)."""
    try:
        return ctx.render("case_rows.html", cases=_cases(ctx, _filters(ctx)))
    except ApiError as error:
        return ctx.render("case_rows.html", cases=[], error=error)


def _order(ctx, order_no):
    """The order beside a case or a new one: (order, None), or (None, why it cannot be read)."""
    if not order_no:
        return None, None
    try:
        return ctx.api.get("after_sales", f"/orders/{quote(order_no, safe='')}"), None
    except ApiError as error:
        return None, error


@routes.page("/cases/new", methods=("GET", "POST"), roles=("agent",))
def open_case(ctx):
    values = ctx.request.args if ctx.request.method == "GET" else ctx.request.form
    order, order_error = _order(ctx, values.get("order_no", "").strip())
    page = dict(forms=case_forms, values=values, order=order,
                amount=values.get("amount") or (case_forms.prefilled_amount(order, values) if order else ""))
    if ctx.request.method == "GET":
        return ctx.render("case_new.html", error=order_error, status=order_error.page_status if order_error else 200,
                          **page)
    try:
        case = ctx.api.post("after_sales", "/cases", case_forms.open_case_body(ctx.request.form), key=ctx.key())
    except ApiError as error:
        return ctx.render("case_new.html", status=error.status, error=error, **page)
    return ctx.redirect(f"/cases/{case['id']}", ok="done.open")


@routes.page("/cases/new/amount", roles=("agent",))
def prefilled_amount(ctx):
    """The amount field again, worked out from the lines chosen so far (htmx asks as quantities change)."""
    order, _ = _order(ctx, ctx.request.args.get("order_no", "").strip())
    return ctx.render("case_amount.html", amount=case_forms.prefilled_amount(order, ctx.request.args) if order else "")


@routes.page("/cases/<int:case_id>", roles=READERS)
def case_page(ctx, case_id, error=None):
    case = ctx.api.get("after_sales", f"/cases/{case_id}")
    order, order_error = _order(ctx, case["order_no"])
    history = case_forms.history_rows(case, ctx.t, formatting.local)
    return ctx.render("case.html", case=case, actions=case_forms.actions_for(case, ctx.role), forms=case_forms,
                      order=order, order_error=order_error, history=history,
                      goods_names={line["sku"]: line["name"] for line in (order or {}).get("lines", ())},
                      note_kinds=case_forms.note_kinds_for(case), refusals=case_forms.refusals_for(case, ctx.role),
                      error=error, status=error.status if error else 200)


@routes.page("/cases/<int:case_id>/<action>", methods=("POST",), roles=READERS)
def case_action(ctx, case_id, action):
    if action not in case_forms.ROLE_ACTIONS.get(ctx.role, ()):
        return case_page(ctx, case_id, error=ApiError(403, "forbidden", ""))
    body = case_forms.action_body(action, ctx.request.form, lambda item: ctx.t(f"accessory.missing.{item}"))
    return ctx.act("after_sales", "POST", f"/cases/{case_id}/{case_forms.endpoint(action)}", body,
                   lambda error: case_page(ctx, case_id, error=error), f"/cases/{case_id}", f"done.{action}")
