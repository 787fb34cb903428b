"""Finding a service's nameko class by name (`services/<name>/service.py` exports `SERVICE`)."""
import importlib


def service_class(name):
    return importlib.import_module(f"services.{name}.service").SERVICE
