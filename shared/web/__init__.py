"""JSON over nameko's HTTP entrypoint: auth, validation, errors, idempotency keys, OpenAPI."""
from shared.web.endpoint import api, json_response
from shared.web.auth import Role

__all__ = ["api", "json_response", "Role"]
