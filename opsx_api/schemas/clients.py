"""Client (company) schemas."""

from marshmallow import Schema, fields, validate

from models import DEVICE_POLICIES
from opsx_api.schemas.common import NormalisedEmail, Password, Text


class ClientSchema(Schema):
    id = fields.UUID(dump_only=True)
    name = fields.String(dump_only=True)
    device_policy = fields.String(dump_only=True)
    created_at = fields.AwareDateTime(dump_only=True)


class ClientUpdateSchema(Schema):
    name = Text()
    device_policy = fields.String(validate=validate.OneOf(DEVICE_POLICIES))


class FirstAdminSchema(Schema):
    email = NormalisedEmail(required=True)
    name = Text(required=True)
    password = Password(required=True)


class ClientCreateSchema(Schema):
    name = Text(required=True)
    device_policy = fields.String(
        load_default="reject", validate=validate.OneOf(DEVICE_POLICIES)
    )
    admin = fields.Nested(FirstAdminSchema, required=True)
