"""A service's settings: a frozen dataclass read once from the service's config.

Every service declares its thresholds as a dataclass whose defaults are the business rules, and
reads it with `read_settings` (plain Python, no nameko): each field may be overridden by its
upper-case key (`PROTECTION_DAYS=30`), or by the key given with `setting(..., key=...)`. The
value is converted to the field's type; a value that can't be is refused at start with the key
and the reason, rather than failing on the first message that needs it.

    @dataclass(frozen=True)
    class Settings:
        protection_days: int = 30
        duplicate_window: timedelta = setting(timedelta(hours=24), key="DUPLICATE_WINDOW_HOURS", unit="hours")

The nameko side (`shared.settings_provider.ServiceSettings`) builds it once in `setup()`.
"""
import dataclasses
import json
import typing
from datetime import timedelta
from decimal import Decimal, InvalidOperation

UNITS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}


class SettingsError(ValueError):
    """A config value that doesn't fit its setting: names the key and the reason."""

    def __init__(self, key, reason):
        super().__init__(f"{key}: {reason}")
        self.key, self.reason = key, reason


def setting(default, *, key=None, unit=None):
    """A field with its own config key, and for a timedelta the unit its number is given in."""
    if unit is not None and unit not in UNITS:
        raise ValueError(f"unit must be one of {sorted(UNITS)}")
    metadata = {"key": key, "unit": unit}
    if isinstance(default, (dict, list)):
        return dataclasses.field(default_factory=lambda: json.loads(json.dumps(default)), metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


def config_key(field):
    return field.metadata.get("key") or field.name.upper()


def read_settings(cls, config):
    """An instance of the dataclass `cls`: defaults, overridden by what `config` holds."""
    hints = typing.get_type_hints(cls)
    given = {}
    for field in dataclasses.fields(cls):
        key = config_key(field)
        if field.init and key in config:
            given[field.name] = _convert(hints[field.name], config[key], key, field.metadata.get("unit"))
    return cls(**given)


def _convert(kind, value, key, unit):
    origin = typing.get_origin(kind)
    try:
        if kind is bool:
            return _boolean(value)
        if kind in (int, float):
            if isinstance(value, bool):
                raise ValueError("a number, not true/false")
            return kind(value)
        if kind is Decimal:
            return Decimal(str(value))
        if kind is str:
            return str(value)
        if kind is timedelta:
            return value if isinstance(value, timedelta) else timedelta(seconds=float(value) * UNITS[unit or "seconds"])
        if origin is tuple:
            items = json.loads(value) if isinstance(value, str) and value.lstrip().startswith("[") else value
            items = [part.strip() for part in items.split(",") if part.strip()] if isinstance(items, str) else items
            element = (typing.get_args(kind) or (typing.Any,))[0]
            return tuple(items if element is typing.Any else (_convert(element, item, key, unit) for item in items))
        if kind in (dict, list) or origin in (dict, list):
            return json.loads(value) if isinstance(value, str) else value
    except (TypeError, ValueError, InvalidOperation) as exc:
        raise SettingsError(key, f"{value!r} is not a valid {getattr(kind, '__name__', kind)}") from exc
    return value


def _boolean(value):
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ValueError("true or false")
