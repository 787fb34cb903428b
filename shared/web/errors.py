"""JSON error bodies: {"error": code, "message": text, "fields": {...}}."""
import json
import logging
import uuid

from marshmallow import ValidationError
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from shared import errors
from shared.db.unit_of_work import IdempotencyKeyReused, Replay
from shared.web.auth import AuthError

log = logging.getLogger(__name__)


class HttpError(Exception):
    def __init__(self, status, code, message, fields=None, **extra):
        super().__init__(message)
        self.status, self.code, self.message, self.fields, self.extra = status, code, message, fields, extra


def json_response(body, status=200, headers=None):
    return Response(json.dumps(body, ensure_ascii=False, default=str), status=status,
                    headers=headers, mimetype="application/json")


def error_response(status, code, message, fields=None, **extra):
    body = {"error": code, "message": message}
    if fields:
        body["fields"] = fields
    body.update(extra)
    return json_response(body, status)


def _domain_response(status, exc):
    # The details are the parameters of the console's message, and any name may be one (`status`, `fields`):
    # they go in the body beside the code and the message, which they never replace.
    details = {name: value for name, value in exc.details.items() if name not in ("error", "message")}
    return json_response({"error": exc.code, "message": exc.message, **details}, status)


_DOMAIN_STATUS = [
    (errors.NotFound, 404), (errors.Conflict, 409), (errors.RuleViolation, 422),
    (errors.PermissionDenied, 403),
]


def response_from_exception(exc):
    if isinstance(exc, Replay):
        return json_response(exc.body, exc.status, headers={"Idempotent-Replay": "true"})
    if isinstance(exc, HttpError):
        return error_response(exc.status, exc.code, exc.message, exc.fields, **exc.extra)
    if isinstance(exc, AuthError):
        return error_response(401, "unauthorized", str(exc))
    if isinstance(exc, ValidationError):
        return error_response(400, "validation_failed", "the request has invalid fields", exc.messages)
    if isinstance(exc, IdempotencyKeyReused):
        return error_response(422, "idempotency_key_reused",
                              f"Idempotency-Key {exc} was already used for a different request")
    for cls, status in _DOMAIN_STATUS:
        if isinstance(exc, cls):
            return _domain_response(status, exc)
    if isinstance(exc, errors.DomainError):
        return _domain_response(422, exc)
    if isinstance(exc, HTTPException):
        return error_response(exc.code or 500, exc.name.lower().replace(" ", "_"), exc.description or exc.name)
    if isinstance(exc, OperationalError) or (isinstance(exc, DBAPIError) and exc.connection_invalidated):
        log.warning("database unavailable: %s", exc)
        return error_response(503, "unavailable", "the database is unavailable; try again shortly")
    incident = uuid.uuid4().hex[:12]
    log.error("unhandled error (incident %s)", incident, exc_info=exc)
    return error_response(500, "internal", f"internal error, logged as incident {incident}")
