"""After-sales (售后): the live case queue, a case with only its allowed actions, opening a case."""
from services.web_console import case_forms
from services.web_console.api import ApiError
from services.web_console.routing import routes

READERS = ("agent", "supervisor", "warehouse", "manager")


def _filters(ctx):
    return {name: ctx.request.args.get(name, "") for name in ("case_type", "status", "sla", "order_no")}


def _cases(ctx, filters):
    return ctx.api.get("after_sales", "/cases", **{k: v for k, v in filters.items() if v})["cases"]


@routes.page("/cases", roles=READERS)
def queue(ctx):
    filters = _filters(ctx)
    return ctx.render("cases.html", cases=_cases(ctx, filters), filters=filters, forms=case_forms)


@routes.page("/cases/rows", roles=READERS)
def queue_rows(ctx):
    """The queue's rows alone: htmx polls this so colours and time left stay current. A failure is
    answered as a row saying so (htmx would keep stale rows on an error status)."""
    try:
        return ctx.render("case_rows.html", cases=_cases(ctx, _filters(ctx)))
    except ApiError as error:
        return ctx.render("case_rows.html", cases=[], error=error)


@routes.page("/cases/new", methods=("GET", "POST"), roles=("agent",))
def open_case(ctx):
    if ctx.request.method == "GET":
        return ctx.render("case_new.html", forms=case_forms, values=ctx.request.args)
    try:
        case = ctx.api.post("after_sales", "/cases", case_forms.open_case_body(ctx.request.form), key=ctx.key())
    except ApiError as error:
        return ctx.render("case_new.html", status=error.status, forms=case_forms, values=ctx.request.form,
                          error=error)
    return ctx.redirect(f"/cases/{case['id']}", ok="done.open")


@routes.page("/cases/<int:case_id>", roles=READERS)
def case_page(ctx, case_id, error=None):
    case = ctx.api.get("after_sales", f"/cases/{case_id}")
    return ctx.render("case.html", case=case, actions=case_forms.actions_for(case, ctx.role), forms=case_forms,
                      note_kinds=case_forms.note_kinds_for(case), refusals=case_forms.refusals_for(case, ctx.role),
                      error=error, status=error.status if error else 200)


@routes.page("/cases/<int:case_id>/<action>", methods=("POST",), roles=READERS)
def case_action(ctx, case_id, action):
    if action not in case_forms.ROLE_ACTIONS.get(ctx.role, ()):
        return case_page(ctx, case_id, error=ApiError(403, "forbidden", ""))
    body = case_forms.action_body(action, ctx.request.form, lambda item: ctx.t(f"accessory.missing.{item}"))
    return ctx.act("after_sales", "POST", f"/cases/{case_id}/{case_forms.endpoint(action)}", body,
                   lambda error: case_page(ctx, case_id, error=error), f"/cases/{case_id}", f"done.{action}")
