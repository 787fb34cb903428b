"""The statement file out of an HTTP request: a multipart form's `file` field (a browser's upload) or the
raw body with its content type (`text/csv`, the XLSX type, or application/octet-stream), within the cap."""
from werkzeug.exceptions import RequestEntityTooLarge

from services.shipping_labels.remittance import Upload
from shared.web.errors import HttpError

FORM_PARTS = 10   # the file and a few fields; a form of thousands of parts is not a statement


def upload_of(request, max_bytes, filename=""):
    request.max_content_length = request.max_form_memory_size = max_bytes
    request.max_form_parts = FORM_PARTS
    try:
        if request.mimetype == "multipart/form-data":
            upload = _form_file(request, max_bytes)
        else:
            upload = Upload(request.stream.read(max_bytes + 1), request.mimetype, filename)
    except RequestEntityTooLarge:
        raise _too_large(max_bytes) from None
    if len(upload.data) > max_bytes:
        raise _too_large(max_bytes)
    if not upload.data:
        raise HttpError(400, "empty_file", "no statement file was sent", fields={"file": ["empty"]})
    return upload


def _form_file(request, max_bytes):
    sent = request.files.get("file")
    if sent is None:
        raise HttpError(400, "validation_failed", "the form has no 'file' field", fields={"file": ["required"]})
    return Upload(sent.stream.read(max_bytes + 1), sent.mimetype, sent.filename or "")


def _too_large(max_bytes):
    return HttpError(413, "file_too_large", f"a statement file is at most {max_bytes} bytes",
                     fields={"file": [f"over {max_bytes} bytes"]})
