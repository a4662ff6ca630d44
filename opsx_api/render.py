"""JSON for hot read paths: a renderer compiled once from a marshmallow schema.

marshmallow stays the one definition of a shape. `compile_dump(schema)` reads
the schema's fields once and returns a function from one object to the dict
that `schema.dump` gives, without marshmallow's per-field machinery, leaving
UUIDs and datetimes to the encoder: orjson writes them exactly as `str()` and
`isoformat()` do. Only the field types below compile; any other is refused
when the app starts, so a schema change can never make the two diverge
silently. tests/prospects/test_prospects_render.py proves the JSON equal to
`schema.dump` for generated rows.

orjson (pinned in requirements.txt) encodes a 50-row page several times
faster than the standard library and writes UUIDs and datetimes natively; on
the rare value it refuses (an integer beyond 64 bits in custom fields) the
standard library encodes the page instead.
"""

import json
import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import orjson
from flask import Response, current_app
from marshmallow import Schema, fields
from marshmallow.utils import ensure_text_type, get_value, missing

from opsx_api.schemas.common import ObjectSchema

Dump = Callable[[Any], dict]
_ISO_FORMATS = (None, "iso", "iso8601")


def compile_dump(schema: Schema) -> Dump:
    """`schema.dump` for one object, compiled; TypeError for what it cannot do."""
    if any(schema._hooks[tag] for tag in ("pre_dump", "post_dump")):
        raise TypeError(f"{type(schema).__name__}: dump hooks do not compile")
    plan = [
        (
            field.data_key or name,
            _getter(schema, field.attribute or name),
            _convert(field),
        )
        for name, field in schema.dump_fields.items()
    ]

    def dump(obj) -> dict:
        out = {}
        for key, get, convert in plan:
            value = get(obj)
            if value is not missing:
                out[key] = value if value is None or convert is None else convert(value)
        return out

    return dump


def _getter(schema: Schema, attr: str) -> Callable[[Any], Any]:
    if "." in attr:
        raise TypeError(f"{type(schema).__name__}.{attr}: dotted attributes")
    accessor = type(schema).get_attribute
    if accessor is ObjectSchema.get_attribute:
        derive = schema.derived.get(attr)
        return derive or (lambda obj: getattr(obj, attr, missing))
    if accessor is Schema.get_attribute:
        return lambda obj: get_value(obj, attr, missing)
    return lambda obj: schema.get_attribute(obj, attr, missing)


def _convert(field: fields.Field) -> Callable[[Any], Any] | None:
    """What a non-null value needs before encoding (None: nothing)."""
    kind = type(field)
    if field.dump_default is not missing or not field._CHECK_ATTRIBUTE:
        raise TypeError(f"{field.name}: defaults and methods do not compile")
    if isinstance(field, fields.Nested) and not field.many:
        nested = compile_dump(field.schema)
        return nested
    if kind in (fields.DateTime, fields.AwareDateTime) and field.format in _ISO_FORMATS:
        return _iso
    if kind is fields.UUID:
        return _uuid
    if kind._serialize is fields.String._serialize:
        return _text
    if kind is fields.Integer and not field.as_string:
        return _typed(int)
    if kind is fields.Float and not field.as_string:
        return _typed(float)
    if kind is fields.Dict and field.key_field is None and field.value_field is None:
        return _typed(dict)
    raise TypeError(f"{field.name}: {kind.__name__} does not compile")


def _iso(value):
    return value if isinstance(value, datetime) else value.isoformat()


def _uuid(value):
    return value if type(value) in (uuid.UUID, str) else str(value)


def _text(value):
    return value if type(value) is str else ensure_text_type(value)


def _typed(kind: type) -> Callable[[Any], Any]:
    return lambda value: value if type(value) is kind else kind(value)


def _default(value):
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def dumps(payload) -> bytes:
    """JSON bytes: orjson, or the standard library for what orjson refuses."""
    try:
        return orjson.dumps(payload)
    except orjson.JSONEncodeError:
        return json.dumps(payload, default=_default).encode()


def json_response(payload, status: int = 200, headers=None) -> Response:
    return current_app.response_class(
        dumps(payload), status=status, headers=headers, mimetype="application/json"
    )
