"""Couriers' remittance statements for the tests, made as the courier's office would: real XLSX workbooks
written with openpyxl, CSV files with Chinese headers in UTF-8 (with Excel's BOM) or GBK."""
import io
import zipfile

from openpyxl import Workbook

HEADER = ("运单号", "代收金额", "回款日期")


def xlsx(rows, header=HEADER, title="EMS 代收货款回款明细", formulas=None):
    """A workbook with a title row, a blank row, the header and `rows`; `formulas` {cell: "=..."}."""
    book = Workbook()
    sheet = book.active
    sheet.append([title])
    sheet.append([])
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    for cell, formula in (formulas or {}).items():
        sheet[cell] = formula
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows, header=HEADER, encoding="utf-8-sig"):
    lines = [",".join(header)] + [",".join(str(cell) for cell in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def with_macros(workbook):
    """The workbook with a VBA project inside, as a .xlsm has."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 not really a VBA project")
    return out.getvalue()
