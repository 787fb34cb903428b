"""Files a browser downloads or shows (CSV, PDF, ZPL)."""
from werkzeug.wrappers import Response


def file_response(body, mimetype, filename, inline=False):
    """A response carrying a file. werkzeug encodes the name (RFC 2231) so that a Chinese order
    number or staff id, or a quote, cannot break the header and drop the connection."""
    response = Response(body, mimetype=mimetype)
    response.headers.set("Content-Disposition", "inline" if inline else "attachment", filename=filename)
    return response
