"""Every service has the same skeleton (issue #20; shared/README.md, "A service's files"): the same
files for the same jobs, endpoints in http, consumers and timers written out in service.py, the
settings read once, the database with its relay."""
import inspect
from pathlib import Path

import pytest
from nameko.timer import Timer

from shared.config import ROOT, SERVICES
from shared.messaging.consumer import EventConsumer
from shared.messaging.relayed_database import RelayedDatabase
from shared.service_registry import service_class
from shared.settings_provider import ServiceSettings
from shared.web.endpoint import Endpoint

STANDARD = "shared.web.standard"   # GET /health and /openapi.json, the same in every service


def entrypoints(cls):
    for name, function in inspect.getmembers(cls, inspect.isfunction):
        for entrypoint in getattr(function, "nameko_entrypoints", ()):
            yield name, function, entrypoint


def present(package, name):
    return (package / f"{name}.py").exists() or (package / name / "__init__.py").exists()


@pytest.mark.parametrize("service", SERVICES)
def test_the_same_files_for_the_same_jobs(service):
    package = ROOT / "services" / service
    missing = [name for name in ("service", "http", "settings", "models", "storage", "schemas", "migrations")
               if not present(package, name) and not (package / name).is_dir()]
    assert not missing, f"{service} lacks {missing}"


@pytest.mark.parametrize("service", SERVICES)
def test_endpoints_in_http_consumers_and_timers_in_service(service):
    cls = service_class(service)
    source = Path(inspect.getsourcefile(cls)).read_text()
    kinds = set()
    for name, function, entrypoint in entrypoints(cls):
        module = function.__module__
        if isinstance(entrypoint, Endpoint):
            assert module == STANDARD or module.startswith(f"services.{service}.http"), (name, module)
            kinds.add("http")
        else:
            assert isinstance(entrypoint, (EventConsumer, Timer)), (name, entrypoint)
            assert module == f"services.{service}.service", (name, module)
            # Written in the class (a queue's name and inbox key come from it), never made with setattr.
            assert f"    def {name}(" in source, name
    assert "http" in kinds


@pytest.mark.parametrize("service", SERVICES)
def test_settings_read_once_and_the_database_with_its_relay(service):
    cls = service_class(service)
    assert isinstance(cls.__dict__.get("settings"), ServiceSettings)
    assert isinstance(cls.__dict__.get("db"), RelayedDatabase)
