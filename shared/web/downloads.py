"""Files a browser downloads or shows (CSV, PDF, ZPL)."""
import csv
import io
import re
from urllib.parse import quote

from werkzeug.wrappers import Response

# A spreadsheet reads a cell starting with one of these as a formula (CSV injection, OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NEGATIVE_NUMBER = re.compile(r"-\d+(\.\d+)?", re.ASCII)


def content_disposition(filename, inline=False):
    """RFC 6266: an ASCII name for old clients and the exact UTF-8 name for the rest. Headers are
    Latin-1 on the wire: a raw Chinese order number or staff id, or a quote, would break the
    header and the server would drop the connection."""
    fallback = re.sub(r'[^\x20-\x7e]|["\\]', "_", filename)
    disposition = "inline" if inline else "attachment"
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def file_response(body, mimetype, filename, inline=False):
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": content_disposition(filename, inline)})


def safe_cell(value):
    """A text cell that would start a formula gets a leading apostrophe, so a spreadsheet shows it as
    text (an order number "=1+1" stays "=1+1"). A plain negative number stays a number."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _NEGATIVE_NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_text(rows, columns=None, **options):
    """Every CSV the suite writes, each cell made safe. With `columns`, rows are dicts under a header
    row (a missing key is a blank cell, other keys are left out); without, rows are written as they are.
    `options` go to csv.writer."""
    out = io.StringIO()
    writer = csv.writer(out, **options)
    if columns is not None:
        writer.writerow(columns)
        rows = ([row.get(column, "") for column in columns] for row in rows)
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return out.getvalue()
