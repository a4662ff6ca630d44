"""User schemas: separate views for reading, creating and updating.

A client can never set `id`, `client_id`, `status` or a staff role through them:
those fields are dump-only or not present at all.
"""

from marshmallow import Schema, fields, validate
from marshmallow.utils import missing

from models import TENANT_ROLES, USER_STATUSES
from opsx_api.clock import utcnow
from opsx_api.pagination import PageArgsSchema
from opsx_api.schemas.common import ClientRefSchema, NormalisedEmail, Password, Text
from opsx_api.services.links import TTL


class InvitationExpiry(fields.AwareDateTime):
    """When an invited user's latest invitation link dies (null otherwise)."""

    def get_value(self, obj, attr, accessor=None, default=missing):
        if obj.status != "invited" or obj.invited_at is None:
            return None
        return obj.invited_at + TTL["invitation"]


class UserSchema(Schema):
    id = fields.UUID(dump_only=True)
    email = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    role = fields.String(dump_only=True)
    status = fields.String(
        dump_only=True,
        metadata={"description": "invited (no password yet) | active | deactivated"},
    )
    client = fields.Nested(ClientRefSchema, dump_only=True, allow_none=True)
    created_at = fields.AwareDateTime(dump_only=True)


class _WhilePending(fields.Field):
    """Dumps its value only while the email change is pending (else null)."""

    def get_value(self, obj, attr, accessor=None, default=missing):
        expires = obj.pending_email_expires_at
        if expires is None or expires <= utcnow():
            return None
        return super().get_value(obj, attr, accessor, default)


class PendingEmail(_WhilePending, fields.String):
    pass


class PendingEmailExpiry(_WhilePending, fields.AwareDateTime):
    pass


class MeSchema(UserSchema):
    """My own profile: the user view, and an email change waiting for its link."""

    pending_email = PendingEmail(
        dump_only=True,
        allow_none=True,
        metadata={
            "description": "the new address asked for, until its confirmation "
            "link is used or expires (null otherwise)"
        },
    )
    pending_email_expires_at = PendingEmailExpiry(dump_only=True, allow_none=True)


class AdminUserSchema(UserSchema):
    """The admin's view adds lifecycle facts."""

    deactivated_at = fields.AwareDateTime(dump_only=True, allow_none=True)
    erase_after = fields.AwareDateTime(dump_only=True, allow_none=True)
    updated_at = fields.AwareDateTime(dump_only=True)
    invited_at = fields.AwareDateTime(
        dump_only=True,
        allow_none=True,
        metadata={"description": "when the latest invitation was sent"},
    )
    invitation_expires_at = InvitationExpiry(
        dump_only=True,
        allow_none=True,
        metadata={"description": "invited users: when the latest link dies"},
    )


class UserCreateSchema(Schema):
    email = NormalisedEmail(required=True)
    name = Text(required=True)
    role = fields.String(required=True, validate=validate.OneOf(TENANT_ROLES))
    password = Password(
        load_default=None,
        metadata={
            "description": "omit it to invite: the user is `invited` and emailed a "
            "link (72 h) to choose a password"
        },
    )


class UserUpdateSchema(Schema):
    name = Text()
    role = fields.String(validate=validate.OneOf(TENANT_ROLES))


class MeUpdateSchema(Schema):
    name = Text()
    email = NormalisedEmail(
        metadata={
            "description": "becomes `pending_email` until the link sent to it is "
            "confirmed; the old address is told"
        }
    )


class PasswordChangeSchema(Schema):
    current_password = Password(required=True)
    new_password = Password(required=True)


class UserListArgsSchema(PageArgsSchema):
    q = fields.String(
        validate=validate.Length(max=200),
        metadata={"description": "name or email contains (case-insensitive)"},
    )
    status = fields.String(
        validate=validate.OneOf(USER_STATUSES),
        metadata={"description": "invited | active | deactivated"},
    )


class LinkSentSchema(Schema):
    """An emailed link's receipt: to whom and until when, never the link."""

    user_id = fields.UUID()
    sent_to = fields.String(metadata={"description": "the user's email address"})
    expires_at = fields.AwareDateTime(metadata={"description": "when the link dies"})


class DeactivateSchema(Schema):
    reason = Text(load_default=None, allow_none=True, max_length=500)


class DeactivationReceiptSchema(Schema):
    user_id = fields.UUID()
    sessions_revoked = fields.Integer()
    push_tokens_removed = fields.Integer()
    pushes_cancelled = fields.Integer()


class DeletionRequestSchema(Schema):
    """`POST /me/deletion`: the account's password, to prove it is the owner."""

    password = Password(required=True)


class DeletionScheduledSchema(Schema):
    erase_after = fields.AwareDateTime(
        metadata={"description": "when the personal data is erased (cancellable until)"}
    )
