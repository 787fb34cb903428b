"""Errors domain code raises. They know nothing of HTTP; the web layer maps them to status codes."""


class DomainError(Exception):
    code = "error"

    def __init__(self, message, code=None, **details):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details


class NotFound(DomainError):
    code = "not_found"


class Conflict(DomainError):
    """The request is valid but the current state does not allow it (409)."""
    code = "conflict"


class RuleViolation(DomainError):
    """Well-formed, but breaks a business rule (422)."""
    code = "rule_violation"


class PermissionDenied(DomainError):
    code = "forbidden"


class PermanentFailure(Exception):
    """A consumed message that can never succeed: dead-letter it without retrying."""
