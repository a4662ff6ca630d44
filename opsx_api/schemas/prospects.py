"""Prospect schemas: separate views for reading, creating, updating and listing.

A client can never set `id`, `client_id`, `version`, `change_seq` or timestamps:
those fields are dump-only or absent from the input schemas.
"""

import uuid

from marshmallow import Schema, ValidationError, fields, post_load, validate

from models import PROSPECT_STATUSES
from models.prospect import etag_of, location_of
from opsx_api.domain.prospects import (
    CustomFields,
    Phone,
    ProspectCreateSchema,
    ProspectLocationSchema,
    ProspectUpdateSchema,
)
from opsx_api.pagination import PageArgsSchema
from opsx_api.schemas.common import ObjectSchema, Text

__all__ = [
    "CustomFields",
    "Phone",
    "ProspectCreateSchema",
    "ProspectUpdateSchema",
]

CHANGES_DEFAULT_LIMIT = 500
CHANGES_MAX_LIMIT = 1000


class ProspectSchema(ObjectSchema):
    """A prospect as read. `version` is what the ETag carries.

    It dumps ORM objects and plain result rows alike (lists use rows: no ORM
    objects to build): `location` and `etag` are derived from the columns.
    """

    derived = {"location": location_of, "etag": etag_of}

    id = fields.UUID(dump_only=True)
    name = fields.String(dump_only=True)
    phone = fields.String(dump_only=True, allow_none=True)
    email = fields.String(dump_only=True, allow_none=True)
    status = fields.String(dump_only=True)
    assigned_to = fields.UUID(dump_only=True, allow_none=True)
    address = fields.String(dump_only=True, allow_none=True)
    location = fields.Nested(ProspectLocationSchema, dump_only=True, allow_none=True)
    fields_ = fields.Dict(data_key="fields", attribute="fields", dump_only=True)
    external_id = fields.String(dump_only=True, allow_none=True)
    version = fields.Integer(dump_only=True)
    etag = fields.String(
        dump_only=True,
        metadata={"description": "send as If-Match to change or delete this version"},
    )
    created_by = fields.UUID(dump_only=True, allow_none=True)
    created_at = fields.AwareDateTime(dump_only=True)
    updated_at = fields.AwareDateTime(dump_only=True)


class AssigneeFilter(fields.String):
    """A user id, `me`, or `none` (unassigned)."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip().lower()
        if text in ("me", "none"):
            return text
        try:
            return uuid.UUID(text)
        except ValueError:
            raise ValidationError("A user id, `me` or `none`.") from None


class ProspectListArgsSchema(PageArgsSchema):
    q = Text(
        max_length=200,
        min_length=0,
        metadata={"description": "name, phone or email contains (literal, any case)"},
    )
    status = fields.String(validate=validate.OneOf(PROSPECT_STATUSES))
    assigned_to = AssigneeFilter(
        metadata={"description": "a user id, `me`, or `none` for unassigned"}
    )


class ProspectChangesArgsSchema(Schema):
    """`since` (the last `next_cursor`; empty: from the start) and `limit`."""

    since = fields.String(
        load_default=None,
        metadata={"description": "next_cursor of the previous call; omit at first"},
    )
    limit = fields.Integer(
        load_default=CHANGES_DEFAULT_LIMIT,
        validate=validate.Range(min=1),
        metadata={
            "description": f"default {CHANGES_DEFAULT_LIMIT}, capped at "
            f"{CHANGES_MAX_LIMIT}"
        },
    )

    @post_load
    def _cap(self, data, **_kwargs):
        data["limit"] = min(data["limit"], CHANGES_MAX_LIMIT)
        return data


class ProspectChangeSchema(Schema):
    """`{op: "upsert", prospect}` or `{op: "delete", id}`."""

    op = fields.String(validate=validate.OneOf(("upsert", "delete")))
    id = fields.UUID(metadata={"description": "only for op=delete"})
    prospect = fields.Nested(
        ProspectSchema, metadata={"description": "only for op=upsert"}
    )


class ProspectChangesPageSchema(Schema):
    changes = fields.List(fields.Nested(ProspectChangeSchema))
    next_cursor = fields.String(metadata={"description": "pass as `since` next time"})
    has_more = fields.Boolean()


class ProspectNoteSchema(Schema):
    id = fields.UUID(dump_only=True)
    prospect_id = fields.UUID(dump_only=True)
    author_id = fields.UUID(dump_only=True, allow_none=True)
    body = fields.String(dump_only=True)
    created_at = fields.AwareDateTime(dump_only=True)


class ProspectNoteCreateSchema(Schema):
    body = Text(max_length=5000, required=True)


class ProspectImportErrorSchema(Schema):
    row = fields.Integer(metadata={"description": "line number in the file"})
    errors = fields.Dict(metadata={"description": "per-column messages"})


class ProspectImportResultSchema(Schema):
    created = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()
    errors = fields.List(fields.Nested(ProspectImportErrorSchema))
