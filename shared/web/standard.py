"""Endpoints every service has: `GET /health` (database and broker) and `GET /openapi.json`."""
from nameko.dependency_providers import Config
from nameko.extensions import DependencyProvider

from shared.web.auth import PUBLIC
from shared.web.broker_probe import BrokerProbe
from shared.web.endpoint import api, json_response
from shared.web.openapi import build_spec


class ContainerSpec(DependencyProvider):
    """The service's OpenAPI document, built once per container."""

    def setup(self):
        self._spec = None

    def get_dependency(self, worker_ctx):
        if self._spec is None:
            self._spec = build_spec(self.container)
        return self._spec


class StandardEndpoints:
    """Mix into a service class that has `db = RelayedDatabase(Base)` (or `Database(Base)`)."""

    config = Config()
    openapi_spec = ContainerSpec()
    broker_reachable = BrokerProbe()

    @api("GET", "/health", roles=PUBLIC, summary="database and broker status")
    def health(self, request):
        checks = {}
        try:
            self.db.ping()
            checks["database"] = "ok"
        except Exception as exc:
            checks["database"] = f"unavailable: {type(exc).__name__}"
        checks["broker"] = "ok" if self.broker_reachable() else "unavailable"
        healthy = all(value == "ok" for value in checks.values())
        return json_response({"service": self.name, "status": "ok" if healthy else "degraded", **checks},
                             200 if healthy else 503)

    @api("GET", "/openapi.json", roles=PUBLIC, summary="this service's OpenAPI document")
    def openapi(self, request):
        return self.openapi_spec
