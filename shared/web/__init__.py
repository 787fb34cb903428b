"""JSON over nameko's HTTP entrypoint: auth, validation, errors, idempotency keys, OpenAPI."""
from shared.web.endpoint import api, json_response
from shared.web.auth import Role
from shared.web.downloads import file_response

__all__ = ["api", "file_response", "json_response", "Role"]
