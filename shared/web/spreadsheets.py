"""XLSX files the office downloads, written with openpyxl. As with CSV (shared.web.downloads), a text cell
that a spreadsheet would take for a formula is written as text: openpyxl itself stores any string starting
with "=" as a formula, so every string goes through `safe_cell` first."""
import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from shared.web.downloads import safe_cell

MONEY_FORMAT = "0.00"


def xlsx_bytes(title, columns, rows, money_columns=()):
    """One sheet: a header row of `columns`, then each row (a dict; a missing key is a blank cell)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])   # Excel's limit for a sheet's name
    sheet.append([safe_cell(str(column)) for column in columns])
    for row in rows:
        sheet.append([_cell(sheet, row.get(column), column in money_columns) for column in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(sheet, value, money):
    if isinstance(value, str):
        return safe_cell(value)
    if money and value is not None:
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = MONEY_FORMAT
        return cell
    return value
