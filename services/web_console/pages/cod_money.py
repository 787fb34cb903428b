"""COD money (回款, 000 art. 6): the courier's remittance statement imported (CSV or XLSX), what does not
match and what is still owed with its age in colour; the monthly remittance and return statistics
(回款及退回统计报表) with their CSV and XLSX downloads. For the supervisors and managers, who handle COD money."""
from werkzeug.exceptions import RequestEntityTooLarge

from services.web_console import texts
from services.web_console.api import ApiError
from services.web_console.formatting import local_today
from services.web_console.routing import routes
from shared.web.downloads import file_response

READERS = ("supervisor", "manager")
STATEMENT_LIMIT = 1024 * 1024            # the service's cap on a statement (REMITTANCE_MAX_BYTES)
FORM_LIMIT = STATEMENT_LIMIT + 64 * 1024   # and the form's few other fields
DOWNLOADS = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _carrier(ctx, source):
    carrier = source.get("carrier", "").strip()
    return carrier if carrier in ctx.settings.carriers else ctx.settings.carriers[0]


@routes.page("/remittances", roles=READERS)
def remittances(ctx, carrier=None, imported=None, error=None):
    carrier = carrier or _carrier(ctx, ctx.request.args)
    view = ctx.api.get("shipping_labels", "/remittances/reconciliation", carrier=carrier)
    return ctx.render("remittances.html", view=view, carrier=carrier, carriers=ctx.settings.carriers,
                      imported=imported, error=error, reason=lambda line: reason_text(ctx, line),
                      problem=lambda found: problem_text(ctx, found),
                      status=error.status if error else 200)


@routes.page("/remittances", methods=("POST",), roles=READERS)
def import_statement(ctx):
    """The file goes to the service as it came, with its type; the service reads and checks it."""
    ctx.request.max_content_length = FORM_LIMIT
    try:
        carrier, sent = _carrier(ctx, ctx.request.form), ctx.request.files.get("file")
    except RequestEntityTooLarge:
        return remittances(ctx, error=ApiError(413, "file_too_large", ""))
    if sent is None or not sent.filename:
        return remittances(ctx, carrier, error=ApiError(400, "no_file", ""))
    data = sent.stream.read(STATEMENT_LIMIT + 1)
    try:
        answer = ctx.api.request("shipping_labels", "POST", "/remittances", key=ctx.key(),
                                 params={"carrier": carrier, "filename": sent.filename},
                                 file=(data, sent.mimetype or "application/octet-stream")).json()
    except ApiError as error:
        if error.details.get("problems"):
            error.fields = {}   # the problems' own table names each row, column and reason
        return remittances(ctx, carrier, error=error)
    return remittances(ctx, carrier, imported=answer)


def problem_text(ctx, problem):
    """Why a statement's cell can't be read, from its code and values (an unknown code: 'can't be read')."""
    key = f"remit.problem.{problem.get('code')}"
    return ctx.t(key if key in texts.TEXTS else "remit.problem.other", reason=problem.get("reason", ""),
                 **problem.get("params", {}))


def reason_text(ctx, line):
    """A line's reason code as a sentence, with its parameters (the parcel's state, the line that counted)."""
    if not line.get("reason"):
        return ""
    return ctx.t(f"remit.reason.{line['reason']}", status=ctx.t(f"shipment.{line.get('parcel_status')}"),
                 statement=line.get("first_statement_id"), row=line.get("first_row"))


@routes.page("/cod-report", roles=READERS)
def cod_report(ctx):
    month = ctx.request.args.get("month") or local_today()[:7]
    report = ctx.api.get("shipping_labels", "/reports/cod-monthly", month=month)
    return ctx.render("cod_report.html", report=report, month=month, downloads=DOWNLOADS)


@routes.page("/cod-report.<kind>", roles=READERS)
def cod_report_file(ctx, kind):
    if kind not in DOWNLOADS:
        raise ApiError(404, "not_found", "")
    month = ctx.request.args.get("month") or local_today()[:7]
    answer = ctx.api.request("shipping_labels", "GET", "/reports/cod-monthly", params={"month": month, "format": kind})
    return file_response(answer.content, DOWNLOADS[kind], f"cod-{month}.{kind}")
