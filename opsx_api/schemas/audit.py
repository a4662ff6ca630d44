"""Audit event schemas (read-only)."""

from marshmallow import Schema, fields, validate

from opsx_api.pagination import PageArgsSchema
from opsx_api.schemas.common import UtcDateTime


class AuditEventSchema(Schema):
    id = fields.UUID()
    action = fields.String()
    actor_id = fields.UUID(allow_none=True)
    actor_role = fields.String()
    target_type = fields.String(allow_none=True)
    target_id = fields.String(allow_none=True)
    ip = fields.String(allow_none=True)
    details = fields.Dict()
    created_at = fields.AwareDateTime()


class AuditArgsSchema(PageArgsSchema):
    since = UtcDateTime(metadata={"description": "RFC 3339, inclusive"})
    action = fields.String(validate=validate.Length(max=64))
    actor_id = fields.UUID()
