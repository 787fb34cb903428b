"""A faster load/dump for plain schemas, with marshmallow's own results.

Every consumer loads each event and every publisher dumps and re-validates it, and
marshmallow's per-schema machinery (error stores, hook look-ups, a getter closure per field,
an `And` validator built per value) cost more than the fields' own work. For a schema with no
hooks, the plan built here walks the fields directly: strings and integers of the exact
expected type are taken as they are, nested dicts and lists of them use the nested schema's
plan, and every other value goes through the field's own `deserialize`/`_serialize`.

A load that meets anything unusual (a ValidationError, a type it does not expect, an unknown
key) gives up with `Fallback`, and the caller runs marshmallow's own load from the start: so
errors and their messages are always marshmallow's, and a plan may only ever be more
cautious, never more lenient.
"""
from marshmallow import RAISE, Schema, ValidationError, fields, missing
from marshmallow.fields import Field


class Fallback(Exception):
    """This input needs marshmallow's full load (it is invalid, or unusual)."""


def compiled(schema):
    """(load, dump) functions for a schema instance, or None when it must use marshmallow's."""
    if any(schema._hooks.values()) or schema.many or schema.partial or schema.unknown != RAISE \
            or type(schema).get_attribute is not Schema.get_attribute \
            or type(schema).handle_error is not Schema.handle_error:
        return None
    loaders = [(_key(name, field), _attribute(name, field), _loader(field))
               for name, field in schema.load_fields.items()]
    dumpers = [(name, _key(name, field), _dumper(name, field, schema.get_attribute))
               for name, field in schema.dump_fields.items()]
    if any("." in attribute for _, attribute, _ in loaders) or any("." in name for name, _, _ in dumpers):
        return None
    known = frozenset(key for key, _, _ in loaders)
    new_dict = schema.dict_class

    def load(data):
        if type(data) is not dict or not known.issuperset(data):
            raise Fallback
        result = new_dict()
        for key, attribute, loader in loaders:
            value = loader(data.get(key, missing), key, data)
            if value is not missing:
                result[attribute] = value
        return result

    def dump(obj):
        result = new_dict()
        for name, key, dumper in dumpers:
            value = dumper(obj)
            if value is not missing:
                result[key] = value
        return result

    return load, dump


def _key(name, field):
    return field.data_key if field.data_key is not None else name


def _attribute(name, field):
    return field.attribute or name


def _plain(field):
    """No per-field hooks: the value's type and the validators decide everything."""
    return not field.pre_load and not field.post_load


def _nested_plan(field):
    """The nested schema's plan, if loading it is just `schema.load(value)`."""
    if type(field) is not fields.Nested or field.many or field.unknown not in (None, RAISE) \
            or not _plain(field) or not hasattr(field.schema, "plan"):
        return None
    return field.schema.plan()


def _validated(validators, value):
    for validator in validators:
        validator(value)
    return value


# -- loading ----------------------------------------------------------------
def _loader(field):
    """f(value, key, data) -> the field's loaded value; raises ValidationError or Fallback."""
    generic = field.deserialize
    validators = tuple(field.validators)
    nested = _nested_plan(field)
    if nested is not None:
        load_nested = nested[0]
        return lambda value, key, data: (
            _validated(validators, load_nested(value)) if type(value) is dict else generic(value, key, data))
    if type(field) is fields.List and _plain(field):
        load_item = _loader(field.inner)
        return lambda value, key, data: (
            _validated(validators, [load_item(item, None, None) for item in value]) if type(value) is list
            else generic(value, key, data))
    if not _plain(field) or any(getattr(type(field), name) is not getattr(Field, name)
                                for name in ("deserialize", "_validate", "_validate_all")):
        return generic
    exact = {fields.String: str, fields.Integer: int}.get(type(field))
    if exact is not None:
        return lambda value, key, data: (
            _validated(validators, value) if type(value) is exact else generic(value, key, data))
    # Field.deserialize without its checks for missing and None values, which take the long way.
    deserialize = field._deserialize
    return lambda value, key, data: (
        generic(value, key, data) if value is missing or value is None
        else _validated(validators, deserialize(value, key, data)))


# -- dumping ----------------------------------------------------------------
def _dumper(name, field, accessor):
    """f(obj) -> the field's dumped value, or `missing` to leave it out."""
    if type(field).serialize is not Field.serialize or type(field).get_value is not Field.get_value \
            or not field._CHECK_ATTRIBUTE:
        return lambda obj: field.serialize(name, obj, accessor=accessor)
    attribute = field.attribute or name
    serialize = _serializer(field)

    def dump(obj):
        value = obj.get(attribute, missing) if type(obj) is dict else missing
        if value is missing:   # not a dict's key: marshmallow's look-up (attributes, dump_default)
            return field.serialize(name, obj, accessor=accessor)
        return serialize(value, name, obj)
    return dump


def _serializer(field):
    """f(value, attr, obj) -> what `field._serialize` returns."""
    nested = _nested_plan(field)
    if nested is not None:
        dump_nested = nested[1]
        return lambda value, attr, obj: None if value is None else dump_nested(value)
    if type(field) is fields.List:
        serialize_item = _serializer(field.inner)
        return lambda value, attr, obj: None if value is None else [
            serialize_item(item, attr, obj) for item in value]
    if type(field) is fields.String:
        return lambda value, attr, obj: value if type(value) is str else field._serialize(value, attr, obj)
    return field._serialize
