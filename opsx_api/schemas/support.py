"""Support access schemas: grants, support sessions and the statistics.

Separate views for creating and reading: a caller can never set a grant's id,
client, author, expiry or revocation by sending them.
"""

from marshmallow import Schema, fields, validate

from models import SUPPORT_SCOPES
from opsx_api.clock import utcnow
from opsx_api.schemas.common import ClientRefSchema, Text

MAX_GRANT_HOURS = 168  # 7 days


def _duration(**kwargs):
    return fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(min=1, max=MAX_GRANT_HOURS),
        metadata={"description": "hours from now, 1..168 (7 days)"},
        **kwargs,
    )


class SupportGrantCreateSchema(Schema):
    scope = fields.String(required=True, validate=validate.OneOf(SUPPORT_SCOPES))
    reason = Text(
        required=True,
        max_length=500,
        metadata={"description": "why support may enter, e.g. the ticket"},
    )
    duration_hours = _duration()


class SupportGrantChangeSchema(Schema):
    duration_hours = _duration()


class SupportGrantSchema(Schema):
    """A grant as the company admin sees it: live and past."""

    id = fields.UUID()
    scope = fields.String()
    reason = fields.String()
    status = fields.Function(
        lambda grant: grant.status(utcnow()),
        metadata={"description": "live | expired | revoked", "type": "string"},
    )
    created_at = fields.AwareDateTime()
    expires_at = fields.AwareDateTime()
    created_by_id = fields.UUID(allow_none=True)
    revoked_at = fields.AwareDateTime(allow_none=True)
    revoked_by_id = fields.UUID(allow_none=True)


class LiveSupportGrantSchema(Schema):
    """A live grant as support staff see it."""

    id = fields.UUID()
    client = fields.Nested(ClientRefSchema)
    scope = fields.String()
    reason = fields.String()
    created_at = fields.AwareDateTime()
    expires_at = fields.AwareDateTime()


class StaffRefSchema(Schema):
    id = fields.UUID()
    name = fields.String()


class SupportSessionSchema(Schema):
    """A support session on one of the company's grants."""

    id = fields.UUID()
    grant_id = fields.UUID()
    staff = fields.Nested(StaffRefSchema)
    started_at = fields.AwareDateTime()
    expires_at = fields.AwareDateTime()
    ended_at = fields.AwareDateTime(allow_none=True)
    ended_reason = fields.String(allow_none=True)
    ip = fields.String(allow_none=True)


class SupportSessionOpenSchema(Schema):
    grant_id = fields.UUID(required=True)


class OpenedSupportSessionSchema(Schema):
    id = fields.UUID()
    grant_id = fields.UUID()
    scope = fields.Function(lambda row: row.grant.scope, metadata={"type": "string"})
    started_at = fields.AwareDateTime()
    expires_at = fields.AwareDateTime()


class SupportSessionTokenSchema(Schema):
    access_token = fields.String()
    token_type = fields.String()
    expires_in = fields.Integer(metadata={"description": "seconds"})
    session = fields.Nested(OpenedSupportSessionSchema)
    client = fields.Nested(ClientRefSchema)


class ClientStatsSchema(Schema):
    """One client's statistics: counts only, no personal data."""

    client = fields.Nested(ClientRefSchema)
    active_users = fields.Integer()
    live_devices = fields.Integer()
    prospects = fields.Integer(
        allow_none=True, metadata={"description": "null until prospects exist"}
    )
    data_bytes = fields.Integer(
        metadata={"description": "bytes of the client's text and JSON values"}
    )
    requests_30d = fields.Integer(
        metadata={"description": "API requests in the last 30 UTC days"}
    )
