"""Every message that crosses a service boundary, as marshmallow schemas.

Modules in this package register their events with `@event(source, type)`;
all of them are imported here, so `schema_for` knows the whole catalogue.
"""
import importlib
import pkgutil

_REGISTRY = {}


class ContractViolation(Exception):
    """An event we are about to publish does not match its own contract (a bug in the publisher)."""


def event(source, event_type, outside=None):
    """Register an event's schema. `outside`: the outside party that consumes it (a storefront): its
    contract is fixed for that party, and deploy binds that party's own queue to it (`consumed_outside`)."""
    def register(schema_cls):
        _REGISTRY[(source, event_type)] = schema_cls
        schema_cls.source = source
        schema_cls.event_type = event_type
        schema_cls.outside = outside
        return schema_cls
    return register


def consumed_outside(party):
    """{(source, event_type): schema class} of the events the outside party `party` consumes."""
    return {key: schema_cls for key, schema_cls in _REGISTRY.items() if schema_cls.outside == party}


_INSTANCES = {}


def schema_for(source, event_type):
    """The event's schema. One instance per event: building a marshmallow schema deep-copies
    its fields, which showed up in the benchmark's profile of every publisher."""
    key = (source, event_type)
    if key not in _INSTANCES:
        try:
            _INSTANCES[key] = _REGISTRY[key]()
        except KeyError:
            raise LookupError(f"no contract for {source}.{event_type}; add it to contracts/") from None
    return _INSTANCES[key]


def catalogue():
    return dict(_REGISTRY)


def dump_event(source, event_type, event_data):
    """The JSON body of an event, checked against its contract before it can leave.

    The check stays on everywhere, production included: on the fast path (contracts/fastpath.py)
    validating costs about what dumping does, and a publisher's bug is refused in its own
    transaction instead of reaching the bus, where every consumer would dead-letter it."""
    schema = schema_for(source, event_type)
    body = schema.dump(event_data)
    errors = schema.validate(body)
    if errors:
        raise ContractViolation(f"{source}.{event_type}: {errors}")
    return body


for _module in pkgutil.iter_modules(__path__):
    if _module.name != "base":
        importlib.import_module(f"{__name__}.{_module.name}")
