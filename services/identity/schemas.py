"""Bodies of identity's HTTP API."""
import ipaddress

from marshmallow import ValidationError, fields, validate, validates_schema

from contracts.base import StrictSchema
from services.identity.passwords import MAX_LENGTH
from shared.web.auth import PERSON_ROLES, Role

# A staff id or a device's subject: what staff_performance's register uses, no spaces or control characters.
StaffId = validate.Regexp(r"^[^\s\x00-\x1f\x7f-\x9f]{1,64}$", error="1 to 64 characters, no spaces")
Printable = validate.Regexp(r"^[^\x00-\x1f\x7f-\x9f]*$", error="no control characters")   # PostgreSQL refuses NUL
CarrierCode = validate.Regexp(r"^[A-Z0-9]{2,16}$", error="a carrier's code: 2 to 16 capital letters or digits")
MACHINE_KEY_ROLES = tuple(role.value for role in Role if role != Role.ADMIN)   # a key never administers


def an_address(value):
    try:
        ipaddress.ip_address(value)
    except ValueError:
        raise ValidationError("an IPv4 or IPv6 address") from None


def _password(**kwargs):
    return fields.String(required=True, validate=validate.Length(min=1, max=MAX_LENGTH), **kwargs)


def _address():
    return fields.String(required=True, validate=[validate.Length(max=64), an_address],
                         metadata={"description": "the person's address, as the console saw it"})


def _roles():
    return fields.List(fields.String(validate=validate.OneOf(PERSON_ROLES)), required=True,
                       validate=[validate.Length(min=1, max=len(PERSON_ROLES)), _distinct])


def _distinct(values):
    if len(set(values)) != len(values):
        raise ValidationError("each role once")


class SignInSchema(StrictSchema):
    staff_id = fields.String(required=True, validate=StaffId)
    password = _password()
    address = _address()


class SsoFinishSchema(StrictSchema):
    flow = fields.String(required=True, validate=validate.Length(min=1, max=100),
                         metadata={"description": "the flow id POST /sso/start gave (the browser's cookie)"})
    query = fields.String(required=True, validate=validate.Length(max=8192),
                          metadata={"description": "the callback's raw query string, as the provider sent it"})
    address = _address()


class CurrentSessionQuery(StrictSchema):
    touch = fields.Boolean(load_default=True, metadata={
        "description": "false for a page refreshing itself: no one did anything, so the idle time-out runs on"})


class RoleSchema(StrictSchema):
    role = fields.String(required=True, validate=validate.OneOf(PERSON_ROLES))


class PasswordChangeSchema(StrictSchema):
    current_password = _password()
    new_password = _password()


class NewAccountSchema(StrictSchema):
    staff_id = fields.String(required=True, validate=StaffId)
    name = fields.String(required=True, validate=[validate.Length(min=1, max=200), Printable])
    roles = _roles()


class RolesSchema(StrictSchema):
    roles = _roles()


class NewApiKeySchema(StrictSchema):
    role = fields.String(required=True, validate=validate.OneOf(MACHINE_KEY_ROLES))
    subject = fields.String(required=True, validate=StaffId,
                            metadata={"description": "a device id, or the carrier's code for role carrier"})
    label = fields.String(load_default="", validate=[validate.Length(max=200), Printable])

    @validates_schema
    def a_carrier_is_named_by_its_code(self, data, **kwargs):
        if data.get("role") == Role.CARRIER.value and "subject" in data:
            try:
                CarrierCode(data["subject"])
            except ValidationError as error:
                raise ValidationError(error.messages, "subject") from None
