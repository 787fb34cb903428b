"""Calls to the services' JSON APIs as the signed-in person, and their refusals as readable errors."""
import uuid

import requests


class ApiError(Exception):
    """A service said no (or could not be reached); shown on the page, never as raw JSON."""

    def __init__(self, status, code, message, fields=None, details=None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.fields = fields or {}
        self.details = details or {}

    @property
    def page_status(self):
        """The status of the page that shows this refusal (a service that answered oddly: 502)."""
        return self.status if self.status >= 400 else 502

    def field_messages(self):
        """[(field, reason)] flattened from marshmallow's nested error dicts."""
        found = []

        def walk(prefix, value):
            if isinstance(value, dict):
                for key, inner in value.items():
                    walk(f"{prefix}.{key}" if prefix else str(key), inner)
            elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
                found.append((prefix, " ".join(value)))
            elif isinstance(value, list):
                for index, inner in enumerate(value):
                    walk(f"{prefix}[{index}]", inner)
            else:
                found.append((prefix, str(value)))

        walk("", self.fields)
        return found


def error_of(service, response):
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    details = {k: v for k, v in body.items() if k not in ("error", "message", "fields")}
    return ApiError(response.status_code, body.get("error") or f"http_{response.status_code}",
                    body.get("message") or f"{service} answered {response.status_code}",
                    body.get("fields"), details)


class Api:
    """One person's client: every call carries their bearer token, so the services decide what they may do."""

    def __init__(self, settings, token):
        self.settings, self.token = settings, token
        self.http = requests.Session()

    def request(self, service, method, path, body=None, params=None, key=None, accept_error=False, file=None):
        """`file`: (bytes, content type) sent as the raw body instead of JSON (a statement upload)."""
        headers = {"Authorization": f"Bearer {self.token}"}
        if method != "GET":
            headers["Idempotency-Key"] = key or uuid.uuid4().hex
        if file is not None:
            headers["Content-Type"] = file[1]
        try:
            response = self.http.request(method, self.settings.service_urls[service] + path, json=body,
                                         data=file[0] if file else None, params=params, headers=headers,
                                         timeout=self.settings.api_timeout_seconds)
        except requests.RequestException:
            raise ApiError(503, "unreachable", f"{service} cannot be reached") from None
        if response.ok or accept_error:
            return response
        raise error_of(service, response)

    def get(self, service, path, **params):
        return self.request(service, "GET", path, params=params).json()

    def post(self, service, path, body=None, key=None):
        return self.request(service, "POST", path, body if body is not None else {}, key=key).json()

    def answer(self, service, method, path, body, key):
        """(json, error) for APIs that answer refusals with a useful body (the scanner API)."""
        response = self.request(service, method, path, body, key=key, accept_error=True)
        if response.ok:
            return response.json(), None
        error = error_of(service, response)
        return error.details, error
