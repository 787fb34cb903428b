"""Files a browser downloads or shows (CSV, PDF, ZPL)."""
import re
from urllib.parse import quote

from werkzeug.wrappers import Response


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
