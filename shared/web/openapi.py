"""The OpenAPI document of a service, generated from its `@api` endpoints and their schemas."""
import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

_CONVERTER = re.compile(r"<(?:[a-z]+:)?([a-zA-Z_][a-zA-Z0-9_]*)>")


def openapi_path(werkzeug_url):
    return _CONVERTER.sub(r"{\1}", werkzeug_url)


def _schema_name(schema):
    return type(schema).__name__


MONEY_PATTERN = r"^-?\d+(\.\d{1,2})?$"


def money_as_decimal_string(converter, field, **kwargs):
    """Money travels as a decimal string ("59.00"): say so, and drop the numeric bounds a
    Range validator would add (a string schema cannot carry them)."""
    from contracts.base import Money

    if not isinstance(field, Money):
        return {}
    return {"type": "string", "format": "decimal", "pattern": MONEY_PATTERN}


def _drop_bounds_of_money(converter, field, ret, **kwargs):
    from contracts.base import Money

    if isinstance(field, Money):
        for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            ret.pop(key, None)
    return {}


def build_spec(container):
    from shared.web.endpoint import Endpoint

    plugin = MarshmallowPlugin()
    spec = APISpec(title=container.service_name, version="1.0.0", openapi_version="3.0.3", plugins=[plugin])
    plugin.converter.add_attribute_function(money_as_decimal_string)
    plugin.converter.add_attribute_function(_drop_bounds_of_money)
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    paths = {}
    for entrypoint in sorted(container.entrypoints, key=lambda e: (e.url, e.method) if isinstance(e, Endpoint) else ("", "")):
        if not isinstance(entrypoint, Endpoint):
            continue
        operation = {
            "operationId": entrypoint.method_name,
            "summary": entrypoint.summary or entrypoint.method_name.replace("_", " "),
            "x-roles": sorted(entrypoint.roles),
            "responses": {"200": {"description": "OK"}, "400": {"description": "invalid input"}},
        }
        if entrypoint.roles:
            operation["security"] = [{"bearer": []}]
            operation["responses"].update({"401": {"description": "no or bad token"},
                                           "403": {"description": "role not admitted"}})
        params = [{"in": "path", "name": name, "required": True, "schema": {"type": "string"}}
                  for name in _CONVERTER.findall(entrypoint.url)]
        if entrypoint.query_schema is not None:
            params.append({"in": "query", "schema": entrypoint.query_schema})
        if params:
            operation["parameters"] = params
        if entrypoint.body_schema is not None:
            operation["requestBody"] = {"required": True, "content": {"application/json": {
                "schema": entrypoint.body_schema}}}
        if entrypoint.idempotent and not entrypoint.idempotency_field:
            operation.setdefault("parameters", []).append(
                {"in": "header", "name": "Idempotency-Key", "required": False, "schema": {"type": "string"}})
        paths.setdefault(openapi_path(entrypoint.url), {})[entrypoint.method.lower()] = operation
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()
