"""Tables the managers read on screen and also download, as CSV and XLSX, with the headers in the reader's
language. Every CSV cell goes through the suite's neutralising writer (`shared.web.downloads.csv_text`), every
XLSX cell through the same rule (`shared.web.spreadsheets`): a cell a spreadsheet would take for a formula
stays text. The CSV starts with Excel's byte-order mark, so Chinese headers open readable."""
from decimal import Decimal, InvalidOperation

from services.web_console.api import ApiError
from shared.web.downloads import csv_text, file_response
from shared.web.spreadsheets import xlsx_bytes

KINDS = {"csv": "text/csv; charset=utf-8",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
BOM = "\ufeff"


def download(ctx, kind, name, columns, rows, money=()):
    """`columns`: (row key, text key) pairs; `rows`: dicts of what the screen shows (words already in the
    reader's language). `money`: row keys holding amounts, written to XLSX as numbers."""
    if kind not in KINDS:
        raise ApiError(404, "not_found", "")
    heads = [ctx.t(text) for _, text in columns]
    cells = [[row.get(key, "") for key, _ in columns] for row in rows]
    if kind == "csv":
        body = (BOM + csv_text([heads] + [["" if c is None else c for c in row] for row in cells])).encode()
    else:
        money_heads = {ctx.t(text) for key, text in columns if key in money}
        body = xlsx_bytes(name, heads, [dict(zip(heads, (_number(h, c, money_heads) for h, c in zip(heads, row))))
                                        for row in cells], money_columns=money_heads)
    return file_response(body, KINDS[kind], f"{name}.{kind}")


def _number(head, cell, money_heads):
    if head not in money_heads or cell in (None, ""):
        return cell
    try:
        return Decimal(str(cell))
    except InvalidOperation:
        return cell
