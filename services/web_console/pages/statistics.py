"""Statistics the managers read and download (CSV, XLSX): the reviewers' daily statistics (物流发货统计表), a
carrier's daily manifest (交接清单) and repeat-purchase cohorts (复购) with their chart. Each section asks its
own service; one that refuses (a supervisor may not read cohorts) says why in its place."""
from services.web_console import formatting, tables
from services.web_console.api import ApiError
from services.web_console.formatting import local_today
from services.web_console.routing import routes
from shared.web.days import FIRST_DAY, LAST_DAY

READERS = ("manager", "supervisor")
REVIEW_COLUMNS = [("reviewer", "stats.col.reviewer"), ("orders_reviewed", "stats.col.orders_reviewed"),
                  ("approved", "stats.col.approved"), ("rejected", "stats.col.rejected"),
                  ("median_seconds", "stats.col.median_seconds"), ("p95_seconds", "stats.col.p95_seconds")]
MANIFEST_COLUMNS = [("order_no", "order_no"), ("tracking_no", "tracking_no"), ("weight_g", "stats.col.weight_g"),
                    ("cost", "cost"), ("handed_over_at", "handed_over_at"), ("shipper", "shipper")]
COHORT_COLUMNS = [("cohort", "stats.col.cohort"), ("size", "stats.col.size"), ("month", "stats.col.month"),
                  ("customers", "stats.col.customers"), ("retention_pct", "stats.col.retention_pct")]


def _day(ctx):
    """The day asked for if the services keep it, else today: the service names a bad one itself."""
    asked = ctx.request.args.get("day", "").strip()
    return asked if FIRST_DAY.isoformat() <= asked <= LAST_DAY.isoformat() and len(asked) == 10 else local_today()


def _carrier(ctx):
    asked = ctx.request.args.get("carrier", "")
    return asked if asked in ctx.settings.carriers else ctx.settings.carriers[0]


def _section(load):
    try:
        return load(), None
    except ApiError as error:
        return None, error


def review_rows(ctx, stats):
    codes = sorted({code for line in stats["reviewers"] for code in line["held_by_code"]})
    columns = REVIEW_COLUMNS + [(f"hold.{code}", f"hold.{code}") for code in codes]
    rows = [{**line, "reviewer": ctx.t("stats.auto") if line["reviewer"] == "auto" else line["reviewer"],
             **{f"hold.{code}": line["held_by_code"].get(code, 0) for code in codes}} for line in stats["reviewers"]]
    return columns, rows


def manifest_rows(sheet):
    return [{**p, "handed_over_at": formatting.local(p.get("handed_over_at"))} for p in sheet["parcels"]]


def cohort_rows(cohorts):
    return [{"cohort": c["cohort"], "size": c["size"], "month": p["month"], "customers": p["customers"],
             "retention_pct": _pct(p["retention"])} for c in cohorts for p in c["periods"]]


def _pct(share):
    return round(float(share) * 100, 1)


def cohort_grid(ctx, cohorts):
    """Rows of the repeat-purchase chart: a cohort, then the share of it ordering in each later month."""
    return [{"label": ctx.t("stats.cohort_label", cohort=c["cohort"], size=c["size"]),
             "cells": [(p["month"], _pct(p["retention"])) for p in c["periods"][1:]]} for c in cohorts]


@routes.page("/statistics", roles=READERS)
def statistics(ctx):
    day, carrier = _day(ctx), _carrier(ctx)
    stats, stats_error = _section(lambda: ctx.api.get("order_review", "/stats/daily", day=day))
    sheet, sheet_error = _section(lambda: ctx.api.get("shipping_labels", f"/manifests/{day}", carrier=carrier))
    cohorts, cohorts_error = _section(lambda: ctx.api.get("customer_retention", "/analytics/cohorts")["cohorts"])
    review_columns, reviewers = review_rows(ctx, stats) if stats else (REVIEW_COLUMNS, [])
    months = max((len(c["periods"]) for c in cohorts or []), default=1) - 1
    return ctx.render("statistics.html", day=day, carrier=carrier, carriers=ctx.settings.carriers,
                      kinds=tables.KINDS, stats=stats, stats_error=stats_error, review_columns=review_columns,
                      reviewers=reviewers, sheet=sheet, sheet_error=sheet_error, cohorts=cohorts,
                      cohorts_error=cohorts_error, grid=cohort_grid(ctx, cohorts or []), months=months,
                      month_label=lambda n: ctx.t("stats.month_n", n=n))


@routes.page("/statistics/reviewers.<kind>", roles=READERS)
def reviewers_file(ctx, kind):
    day = _day(ctx)
    columns, rows = review_rows(ctx, ctx.api.get("order_review", "/stats/daily", day=day))
    return tables.download(ctx, kind, f"review-stats-{day}", columns, rows)


@routes.page("/statistics/manifest.<kind>", roles=READERS)
def manifest_file(ctx, kind):
    day, carrier = _day(ctx), _carrier(ctx)
    sheet = ctx.api.get("shipping_labels", f"/manifests/{day}", carrier=carrier)
    return tables.download(ctx, kind, f"manifest-{carrier}-{day}", MANIFEST_COLUMNS, manifest_rows(sheet),
                           money=("cost",))


@routes.page("/statistics/cohorts.<kind>", roles=READERS)
def cohorts_file(ctx, kind):
    cohorts = ctx.api.get("customer_retention", "/analytics/cohorts")["cohorts"]
    return tables.download(ctx, kind, "cohorts", COHORT_COLUMNS, cohort_rows(cohorts))
