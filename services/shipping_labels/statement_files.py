"""A courier's remittance statement file, CSV or XLSX, as rows of cells (no nameko, no SQL).

Everything in it is hostile until checked: the bytes are capped before this (the HTTP layer), an XLSX
is a zip whose unpacked size is capped before openpyxl opens it (a zip bomb), a macro-enabled workbook
is refused, and a formula cell is handed on as a `Formula`, never as a value (statement_rows.py refuses
it in the columns it reads). openpyxl reads in read-only mode and parses XML through defusedxml.
"""
import csv
import io
import zipfile
from dataclasses import dataclass

import openpyxl

CSV, XLSX = "csv", "xlsx"
XLSX_TYPES = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",)
CSV_TYPES = ("text/csv", "text/plain", "application/csv", "application/vnd.ms-excel")
_ZIP, _OLE2 = b"PK\x03\x04", b"\xd0\xcf\x11\xe0"
# A statement of 10,000 rows unpacks to a few MB; anything far beyond is not a statement.
DEFAULT_MAX_UNPACKED_BYTES = 32 * 1024 * 1024


class FileRefused(Exception):
    """The file as a whole cannot be read: `code` and a reason for the person who sent it."""

    def __init__(self, code, reason):
        super().__init__(reason)
        self.code, self.reason = code, reason


@dataclass(frozen=True)
class Formula:
    """A cell holding a formula: its cached value may be missing or stale, so it is never read as data."""
    text: str


def file_format(data, content_type=None, filename=None):
    """'csv' or 'xlsx', from the bytes themselves first (a declared type can be wrong), else FileRefused."""
    if data.startswith(_OLE2):
        raise FileRefused("unsupported_file", "an Excel 97–2003 (.xls) file: save it as .xlsx or CSV")
    if data.startswith(_ZIP):
        return XLSX
    declared = (content_type or "").split(";")[0].strip().lower()
    if declared in XLSX_TYPES or (filename or "").lower().endswith((".xlsx", ".xlsm")):
        raise FileRefused("unsupported_file", "said to be an XLSX workbook but is not one (no zip inside)")
    return CSV


def rows(data, kind, max_unpacked_bytes=DEFAULT_MAX_UNPACKED_BYTES):
    """(row number as a spreadsheet shows it, tuple of cells) for every row, blank ones included; a
    generator, so a reader that has seen enough rows stops reading."""
    return _xlsx_rows(data, max_unpacked_bytes) if kind == XLSX else _csv_rows(data)


def _csv_rows(data):
    if b"\x00" in data:
        raise FileRefused("unsupported_file", "binary data, not a CSV text")
    text = _decoded(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    try:
        yield from ((number, tuple(cells)) for number, cells in
                    enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True), start=1))
    except csv.Error as exc:
        raise FileRefused("unsupported_file", f"not a well-formed CSV: {exc}") from None


def _decoded(data):
    """UTF-8 (with or without the BOM Excel writes), else GB18030: a Chinese Excel saves CSV in GBK."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileRefused("unsupported_file", "a CSV must be UTF-8 or GB18030 (GBK) text")


def _xlsx_rows(data, max_unpacked_bytes):
    _check_package(data, max_unpacked_bytes)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:   # hostile input: whatever openpyxl trips on, the file is refused, not the service
        raise FileRefused("unsupported_file", f"not a readable XLSX workbook ({type(exc).__name__})") from None
    try:
        number = 0
        for row in book.worksheets[0].iter_rows():
            number = next((cell.row for cell in row if getattr(cell, "row", None)), number + 1)
            yield number, tuple(_cell(cell) for cell in row)
    except Exception as exc:
        raise FileRefused("unsupported_file", f"the first sheet cannot be read ({type(exc).__name__})") from None
    finally:
        book.close()


def _check_package(data, max_unpacked_bytes):
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        members = package.infolist()
        content_types = package.read("[Content_Types].xml") if "[Content_Types].xml" in package.namelist() else b""
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError) as exc:
        raise FileRefused("unsupported_file", f"not a readable XLSX workbook ({type(exc).__name__})") from None
    has_macros = any(member.filename.lower().endswith("vbaproject.bin") for member in members)
    if has_macros or b"macroEnabled" in content_types:
        raise FileRefused("macros_refused", "a macro-enabled workbook: save it as a plain .xlsx without macros")
    if sum(member.file_size for member in members) > max_unpacked_bytes:
        raise FileRefused("file_too_large", f"the workbook unpacks to more than {max_unpacked_bytes} bytes")


def _cell(cell):
    value = getattr(cell, "value", None)
    if getattr(cell, "data_type", None) == "f":
        return Formula(str(getattr(value, "text", value)))
    return value
