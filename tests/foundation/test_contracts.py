"""The message catalogue (issue #2, "contracts/"): every consumed event has a contract, and
contracts/README.md says who emits and who consumes each one, as the code does. Loading, dumping
and publishing give marshmallow's own results on the fast path (contracts/fastpath.py)."""
import datetime as dt
import importlib
import json
import uuid
from decimal import Decimal

import pytest
from marshmallow import ValidationError, fields, validate, validates_schema

import contracts
from contracts.base import Money, StrictSchema, UtcDateTime, UuidString, Written
from shared.config import SERVICES
from tools import catalogue


def test_every_consumer_reads_an_event_that_has_a_contract():
    missing = [key for key in catalogue.consumers() if key not in contracts.catalogue()]
    assert missing == []


def test_the_catalogue_in_the_readme_is_up_to_date():
    assert catalogue.main(["--check"]) == 0, "run python -m tools.catalogue"


# -- the fast path gives marshmallow's own results ----------------------------------------------
ODD_VALUES = [None, "", " ", "x", "59.001", "1e30", "NaN", "2024-02-30T00:00:00Z", 0, -1, 1.5, True,
              10 ** 20, [], [{}], {}, {"x": 1}, str(uuid.uuid4()), "٣.٠٠", "３"]


def _sample(field):
    """A valid wire value for a field of our contracts."""
    choices = [v.choices for v in field.validators if isinstance(v, validate.OneOf)]
    if choices:
        return list(choices[0])[0]
    if isinstance(field, fields.Nested):
        return _sample_of(field.schema)
    if isinstance(field, fields.List):
        return [_sample(field.inner), _sample(field.inner)]
    if isinstance(field, Money):
        return "59.5"
    if isinstance(field, UtcDateTime):
        return "2024-05-01T08:30:00+08:00"
    if isinstance(field, UuidString):
        return str(uuid.uuid4())
    if isinstance(field, fields.Date):
        return "2024-05-01"
    if isinstance(field, fields.Dict):
        return {"k": 1}
    if isinstance(field, fields.Boolean):
        return True
    if isinstance(field, fields.Float):
        return 2.5
    if isinstance(field, fields.Integer):
        return 3
    return "abc"


def _sample_of(schema):
    return {field.data_key or name: _sample(field) for name, field in schema.load_fields.items()}


def _variants(data):
    """The sample, and the sample with one thing wrong or unusual: every key dropped, given each odd
    value, or joined by an unknown key, at every depth."""
    yield data
    if isinstance(data, dict):
        yield {**data, "surprise": 1}
        for key, value in data.items():
            yield {k: v for k, v in data.items() if k != key}
            for odd in ODD_VALUES:
                yield {**data, key: odd}
            for inner in list(_variants(value))[1:]:
                yield {**data, key: inner}
    elif isinstance(data, list):
        yield []
        for inner in list(_variants(data[0]))[1:]:
            yield [inner] + data[1:]


def _outcome(run, data):
    try:
        result = run(data)
    except ValidationError as exc:
        return "invalid", exc.messages
    return "loaded", repr(result)   # repr: Decimal("59.50") and Decimal("59.5") differ


@pytest.fixture
def marshmallow_only(monkeypatch):
    """Runs a callable with every StrictSchema on marshmallow's own load, validate and dump."""
    def run(fn, *args):
        with monkeypatch.context() as patch:
            patch.setattr(StrictSchema, "_fast", lambda self, *options: None)
            return fn(*args)
    return run


@pytest.mark.parametrize("key", sorted(contracts.catalogue()), ids="{0[0]}.{0[1]}".format)
def test_every_contract_loads_validates_and_dumps_as_marshmallow_does(key, marshmallow_only):
    schema = contracts.schema_for(*key)
    assert schema.plan() is not None, "the contract should take the fast path"
    for data in _variants(_sample_of(schema)):
        data = json.loads(json.dumps(data))
        expected = marshmallow_only(_outcome, schema.load, data)
        assert _outcome(schema.load, data) == expected, data
        assert schema.validate(data) == marshmallow_only(schema.validate, data), data
        if expected[0] == "loaded":
            loaded = schema.load(data)
            assert schema.dump(loaded) == marshmallow_only(schema.dump, loaded)


def _service_schemas():
    for service in SERVICES:
        importlib.import_module(f"services.{service}.schemas")
    found, todo = [], list(StrictSchema.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("services."):
            found.append(cls)
    return sorted(found, key=lambda cls: (cls.__module__, cls.__name__))


@pytest.mark.parametrize("schema_cls", _service_schemas(), ids=lambda cls: f"{cls.__module__}.{cls.__name__}")
def test_every_request_schema_loads_as_marshmallow_does(schema_cls, marshmallow_only):
    schema = schema_cls()
    for data in _variants(_sample_of(schema)):
        data = json.loads(json.dumps(data))
        assert _outcome(schema.load, data) == marshmallow_only(_outcome, schema.load, data), data


def test_a_schema_with_hooks_keeps_marshmallows_load():
    class Checked(StrictSchema):
        low = fields.Integer(required=True)
        high = fields.Integer(required=True)

        @validates_schema
        def ordered(self, data, **kwargs):
            if data["low"] > data["high"]:
                raise ValidationError("low above high")

    assert Checked().plan() is None
    with pytest.raises(ValidationError, match="low above high"):
        Checked().load({"low": 2, "high": 1})


@pytest.mark.parametrize("wire, loaded", [
    ("59.00", "Decimal('59.00')"), ("59", "Decimal('59.00')"), (" 5.5 ", "Decimal('5.50')"), (7, "Decimal('7.00')"),
    ("-0", "Decimal('-0.00')"), ("9999999999999.99", "Decimal('9999999999999.99')"),
])
def test_money_loads_to_two_places(wire, loaded):
    assert repr(Money().deserialize(wire)) == loaded


@pytest.mark.parametrize("wire, error", [
    ("59.001", "at most two decimal places"), ("1e13", "out of range"), ("-1e13", "out of range"),
    ("1e30", "Not a valid number"), ("abc", "Not a valid number"), ("NaN", "Special numeric values"),
    ("Infinity", "Special numeric values"), (59.0, "decimal string"), (True, "decimal string"),
    # Decimal itself reads these as 3.00 and 1000.00 (issue #16 item 7).
    ("٣.٠٠", "ASCII digits"), ("３.００", "ASCII digits"), ("3.0٠", "ASCII digits"), ("1_000.00", "ASCII digits"),
    ("\u30005.00", "ASCII digits"),
])
def test_money_refuses_what_is_not_an_exact_amount(wire, error):
    with pytest.raises(ValidationError, match=error):
        Money().deserialize(wire)


def _order_approved(**changes):
    line = {"sku": "SKU-1", "name": "Tea", "qty": 2, "unit_price": Decimal("9.50"), "unit_weight_g": 100}
    address = {"recipient": "Li", "phone": "138", "province": "Zhejiang", "city": "Hangzhou", "district": "Xihu",
               "line1": "1 Road", "postcode": "310000"}
    now = dt.datetime(2024, 5, 1, tzinfo=dt.timezone.utc)
    return {"event_id": str(uuid.uuid4()), "occurred_at": now, "order_no": "A1", "customer_id": "C1",
            "placed_at": now, "approved_at": now, "reviewer": "auto", "seconds_to_decision": 1.0,
            "replacement_of": None, "lines": [line], "shipping_address": address, "payment_method": "prepaid",
            "cod_amount": Decimal("0.00"), "total": Decimal("19.00"), **changes}


def test_dump_event_sends_what_the_contract_loads():
    body = contracts.dump_event("order_review", "order_approved", _order_approved())
    assert body["lines"][0]["unit_price"] == "9.50" and body["approved_at"] == "2024-05-01T00:00:00Z"
    assert contracts.schema_for("order_review", "order_approved").load(json.loads(json.dumps(body)))["total"] \
        == Decimal("19.00")


@pytest.mark.parametrize("broken", [
    {"order_no": ""}, {"payment_method": "cheque"}, {"lines": []}, {"customer_id": None},
    {"lines": [{"sku": "SKU-1", "name": "Tea", "qty": 0, "unit_price": Decimal("1.00"), "unit_weight_g": 1}]},
])
def test_dump_event_refuses_a_payload_that_breaks_its_contract(broken):
    """Publishing validates what it sends (cheaply, on the fast path): a bug in a publisher is
    refused in its own transaction instead of dead-lettered by every consumer."""
    with pytest.raises(contracts.ContractViolation):
        contracts.dump_event("order_review", "order_approved", _order_approved(**broken))


def test_dump_event_refuses_a_payload_missing_a_required_field():
    payload = _order_approved()
    del payload["reviewer"]
    with pytest.raises(contracts.ContractViolation, match="reviewer"):
        contracts.dump_event("order_review", "order_approved", payload)


@pytest.mark.parametrize("text, problem", [
    ("abc", None), (" abc ", None),                              # three characters, with or without spaces
    ("ab ", "Length must be between 3 and 5."), ("  ab", "Length must be between 3 and 5."),   # two of them
    ("abcde", None), ("abcdef", "Length must be between 3 and 5."),   # at most five, spaces or not
    (" abcd ", "Length must be between 3 and 5."),
    ("     ", "Must not be blank."), ("\t\n\u3000", "Must not be blank."),
])
def test_written_text_counts_its_characters_not_the_blanks_around_them(text, problem):
    class Body(StrictSchema):
        reason = fields.String(required=True, validate=Written(min=3, max=5))

    try:
        Body().load({"reason": text})
        found = None
    except ValidationError as exc:
        found = exc.messages["reason"][0]
    assert found == problem
