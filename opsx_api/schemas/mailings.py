"""Newsletter, referral and announcement schemas."""

from marshmallow import Schema, fields

from opsx_api.schemas.common import NormalisedEmail, ObjectSchema, Text


class NewsletterStatusSchema(Schema):
    subscribed = fields.Boolean(required=True)


class SubscriptionRequestSchema(Schema):
    email = NormalisedEmail(required=True)


class ReferralCreateSchema(Schema):
    name = Text(required=True, metadata={"description": "the friend's name"})
    email = NormalisedEmail(required=True, metadata={"description": "their address"})


class ReferralSchema(ObjectSchema):
    id = fields.UUID(dump_only=True)
    name = fields.String(
        dump_only=True,
        allow_none=True,
        metadata={"description": "null once the referral converted"},
    )
    email = fields.String(
        dump_only=True,
        allow_none=True,
        metadata={"description": "null once the referral converted"},
    )
    created_at = fields.AwareDateTime(dump_only=True)
    converted_at = fields.AwareDateTime(
        dump_only=True,
        allow_none=True,
        metadata={"description": "when the friend joined or subscribed"},
    )


class MailingSchema(Schema):
    """An email the operator writes: plain text, sent to many."""

    subject = Text(required=True, max_length=200)
    body = Text(
        required=True,
        max_length=100_000,
        metadata={"description": "plain text; blank lines separate paragraphs"},
    )


class MailingQueuedSchema(Schema):
    queued = fields.Integer(metadata={"description": "emails queued in the outbox"})


class DoneSchema(Schema):
    message = fields.String()
