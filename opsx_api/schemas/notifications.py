"""Broadcast and inbox schemas: what an admin may send, what a user reads."""

from marshmallow import Schema, fields, validate

from opsx_api.pagination import PageArgsSchema
from opsx_api.schemas.common import Text

MAX_USER_IDS = 10_000


class BroadcastCreateSchema(Schema):
    title = Text(required=True, max_length=200)
    body = Text(required=True, max_length=2000)
    user_ids = fields.List(
        fields.UUID(),
        validate=validate.Length(min=1, max=MAX_USER_IDS),
        metadata={"description": "omit to reach every active user of the company"},
    )


class BroadcastQueuedSchema(Schema):
    """The answer to a broadcast: queued, not yet delivered."""

    id = fields.UUID(metadata={"description": "the broadcast id"})
    recipients = fields.Integer(metadata={"description": "inbox rows written"})
    queued = fields.Integer(metadata={"description": "pushes queued to devices"})


class DeliveryCountsSchema(Schema):
    queued = fields.Integer()
    sent = fields.Integer()
    invalid_token = fields.Integer()
    failed = fields.Integer()
    cancelled = fields.Integer()


class BroadcastSchema(Schema):
    """A broadcast with its live delivery counts."""

    id = fields.UUID()
    title = fields.String()
    body = fields.String()
    created_at = fields.AwareDateTime()
    created_by = fields.UUID(allow_none=True)
    recipients = fields.Integer(metadata={"description": "inbox rows written"})
    pushes = fields.Integer(
        attribute="queued", metadata={"description": "pushes queued when sent"}
    )
    counts = fields.Nested(
        DeliveryCountsSchema, metadata={"description": "pushes by status, now"}
    )


class NotificationSchema(Schema):
    """One notification in the caller's inbox."""

    id = fields.UUID()
    kind = fields.String(metadata={"example": "prospect_assigned"})
    title = fields.String(allow_none=True)
    body = fields.String(allow_none=True)
    data = fields.Dict()
    created_at = fields.AwareDateTime()
    read_at = fields.AwareDateTime(allow_none=True)
    read = fields.Function(
        lambda row: row.read_at is not None, metadata={"type": "boolean"}
    )


class InboxArgsSchema(PageArgsSchema):
    unread = fields.Boolean(
        load_default=False, metadata={"description": "only unread notifications"}
    )
