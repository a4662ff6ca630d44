"""Login, refresh and device-session schemas."""

from marshmallow import Schema, fields, validate

from models import PLATFORMS
from opsx_api.schemas.common import NormalisedEmail, Password, Text
from opsx_api.schemas.users import UserSchema


class DeviceSchema(Schema):
    id = Text(
        required=True,
        max_length=128,
        metadata={"description": "generated once per app install"},
    )
    platform = fields.String(required=True, validate=validate.OneOf(PLATFORMS))
    name = Text(load_default=None, allow_none=True, max_length=200)
    push_token = Text(
        load_default=None,
        allow_none=True,
        max_length=1024,
        metadata={"description": "the FCM registration token"},
    )


class LoginSchema(Schema):
    email = NormalisedEmail(required=True)
    password = Password(required=True)
    device = fields.Nested(DeviceSchema, required=True)


class RefreshSchema(Schema):
    refresh_token = fields.String(required=True, validate=validate.Length(1, 512))


class PushTokenSchema(Schema):
    push_token = Text(
        required=True,
        allow_none=True,
        max_length=1024,
        metadata={"description": "null detaches the device from push"},
    )


class SessionDeviceSchema(Schema):
    id = fields.String(attribute="device_id")
    platform = fields.String()
    name = fields.String(attribute="device_name")


_device_schema = SessionDeviceSchema()


class SessionSchema(Schema):
    """A device session as its owner sees it."""

    id = fields.UUID()
    device = fields.Function(
        lambda row: _device_schema.dump(row),
        metadata={"description": "{id, platform, name}"},
    )
    created_at = fields.AwareDateTime()
    last_seen_at = fields.AwareDateTime()
    expires_at = fields.AwareDateTime()
    push_registered = fields.Function(
        lambda row: row.push_token is not None, metadata={"type": "boolean"}
    )


class AdminSessionSchema(SessionSchema):
    """A device session as the company admin sees it: live and recent."""

    user_id = fields.UUID()
    live = fields.Function(
        lambda row: row.revoked_at is None, metadata={"type": "boolean"}
    )
    revoked_at = fields.AwareDateTime(allow_none=True)
    revoked_reason = fields.String(allow_none=True)
    login_ip = fields.String(allow_none=True)
    login_country = fields.String(allow_none=True)


class TokenPairSchema(Schema):
    access_token = fields.String()
    refresh_token = fields.String()
    token_type = fields.String()
    expires_in = fields.Integer(metadata={"description": "seconds"})
    session = fields.Nested(SessionSchema)
    user = fields.Nested(UserSchema)


class LinkTokenSchema(Schema):
    token = fields.String(
        required=True,
        validate=validate.Length(1, 512),
        metadata={"description": "the `token` query parameter of the emailed link"},
    )


class PasswordSetSchema(LinkTokenSchema):
    new_password = Password(required=True)


class PasswordResetRequestSchema(Schema):
    email = NormalisedEmail(required=True)


class AcceptedSchema(Schema):
    """The one answer of a request whose outcome must not be told."""

    message = fields.String()


class EmailConfirmedSchema(Schema):
    email = fields.String(metadata={"description": "the account's email from now on"})


class AccessSchema(Schema):
    calls = fields.List(
        fields.String(),
        metadata={"example": ["GET /admin/users", "POST /admin/users/{}/deactivate"]},
    )
