"""Keyset pagination: stable pages over (timestamp, id), cursors opaque to clients."""

import base64
import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from marshmallow import Schema, fields, post_load, validate
from sqlalchemy import Select, tuple_

from opsx_api import db
from opsx_api.errors import BadRequest
from opsx_api.request_body import parse_json

MAX_LIMIT = 100
BIGINT = 2**63  # the database's integer range


@dataclass
class Page:
    items: list[Any]
    next_cursor: str | None


class PageArgsSchema(Schema):
    """`limit` (default 50; above 100 is capped at 100) and an opaque `cursor`."""

    limit = fields.Integer(
        load_default=50,
        validate=validate.Range(min=1),
        metadata={"description": f"page size; above {MAX_LIMIT} is capped"},
    )
    cursor = fields.String(
        load_default=None,
        metadata={
            "description": "the previous page's `next_cursor` (opaque); "
            "a malformed one is 400 `invalid_cursor`"
        },
    )

    @post_load
    def _cap(self, data, **_kwargs):
        data["limit"] = min(data["limit"], MAX_LIMIT)
        return data


def encode_cursor(values: tuple) -> str:
    plain = [v.isoformat() if isinstance(v, datetime) else str(v) for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, kinds: tuple[type, ...]) -> tuple:
    """The values behind a cursor, or 400 `invalid_cursor`."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        raw = parse_json(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(raw, list) or len(raw) != len(kinds):
            raise ValueError
        pairs = zip(kinds, raw, strict=True)
        return tuple(_parse(kind, value) for kind, value in pairs)
    except (ValueError, TypeError, OverflowError):
        raise BadRequest("The cursor is malformed.", code="invalid_cursor") from None


def _parse(kind: type, value: Any) -> Any:
    """One cursor value; out-of-range dates and integers are ValueError/Overflow."""
    if kind is datetime:
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            raise ValueError
        return parsed.astimezone(timezone.utc)  # 0001-01-01T00:00+14:00 overflows
    if kind is uuid.UUID:
        return uuid.UUID(value)
    if kind is int:
        number = int(value)
        if not -BIGINT <= number < BIGINT:
            raise ValueError
        return number
    return str(value)


def keyset_page(
    stmt: Select,
    columns: tuple,
    kinds: tuple[type, ...],
    args: dict,
) -> Page:
    """Newest first over `columns` (e.g. created_at, id), one page after `cursor`."""
    limit = args["limit"]
    if args.get("cursor"):
        stmt = stmt.where(tuple_(*columns) < decode_cursor(args["cursor"], kinds))
    stmt = stmt.order_by(*(c.desc() for c in columns)).limit(limit + 1)
    rows: list[Any] = list(db.session().execute(stmt).scalars())
    return page_from(rows, limit, tuple(c.key for c in columns))


def page_from(rows: list[Any], limit: int, keys: tuple[str, ...]) -> Page:
    """A page of `rows`, fetched with one extra row to tell whether more follow."""
    if len(rows) <= limit:
        return Page(rows, None)
    rows = rows[:limit]
    return Page(rows, encode_cursor(tuple(getattr(rows[-1], key) for key in keys)))
