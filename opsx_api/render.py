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
import keyword
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
        (field.data_key or name, field.attribute or name, _convert(field))
        for name, field in schema.dump_fields.items()
    ]
    getters = [_getter(schema, attr) for _key, attr, _convert_ in plan]
    exact = _exact_dump(plan, getters)
    return _generated_dump(schema, plan, getters, exact)


def _exact_dump(plan, getters) -> Dump:
    """Field by field, as marshmallow does: a missing attribute leaves its key out."""
    steps = [
        (key, get, convert, kinds)
        for (key, _attr, (convert, kinds)), get in zip(plan, getters, strict=True)
    ]

    def dump(obj) -> dict:
        out = {}
        for key, get, convert, kinds in steps:
            value = get(obj)
            if value is missing:
                continue
            if value is None or convert is None or value.__class__ in kinds:
                out[key] = value
            else:
                out[key] = convert(value)
        return out

    return dump


def _generated_dump(schema: Schema, plan, getters, exact: Dump) -> Dump:
    """The same, as straight-line Python generated once (no per-field calls).

    Plain attributes are read directly; an object lacking one (AttributeError)
    is dumped by `exact` instead, so a missing attribute still omits its key.
    """
    plain = type(schema).get_attribute is ObjectSchema.get_attribute
    namespace: dict[str, Any] = {"_missing": missing, "_exact": exact}
    lines = ["def dump(obj):", "    try:", "        out = {}"]
    for i, ((key, attr, (convert, kinds)), get) in enumerate(
        zip(plan, getters, strict=True)
    ):
        namespace[f"_g{i}"], namespace[f"_c{i}"] = get, convert
        namespace[f"_k{i}"] = kinds
        direct = plain and attr not in _derived(schema) and _identifier(attr)
        if direct:
            lines.append(f"        v = obj.{attr}")
        elif type(schema).get_attribute is Schema.get_attribute:
            # marshmallow reads a dict's key first: the common case, inline.
            keyed = f"obj.__class__ is dict and {attr!r} in obj"
            lines.append(f"        v = obj[{attr!r}] if {keyed} else _g{i}(obj)")
        else:
            lines.append(f"        v = _g{i}(obj)")
        value = (
            "v"
            if convert is None
            else f"v if v is None or v.__class__ in _k{i} else _c{i}(v)"
        )
        store = f"out[{key!r}] = {value}"
        if direct or (plain and attr in _derived(schema)):
            lines.append(f"        {store}")
        else:
            lines.append(f"        if v is not _missing: {store}")
    lines += [
        "        return out",
        "    except AttributeError:",
        "        return _exact(obj)",
    ]
    exec("\n".join(lines), namespace)  # noqa: S102 (generated from the schema above)
    return namespace["dump"]


def _identifier(attr: str) -> bool:
    return attr.isidentifier() and not keyword.iskeyword(attr)


def _getter(schema: Schema, attr: str) -> Callable[[Any], Any]:
    if "." in attr:
        raise TypeError(f"{type(schema).__name__}.{attr}: dotted attributes")
    accessor = type(schema).get_attribute
    if accessor is ObjectSchema.get_attribute:
        derive = _derived(schema).get(attr)
        return derive or (lambda obj: getattr(obj, attr, missing))
    if accessor is Schema.get_attribute:
        return lambda obj: get_value(obj, attr, missing)
    return lambda obj: schema.get_attribute(obj, attr, missing)


def _convert(field: fields.Field) -> tuple[Callable[[Any], Any] | None, tuple]:
    """What a non-null value needs before encoding, and the types that need nothing."""
    kind = type(field)
    if field.dump_default is not missing or not field._CHECK_ATTRIBUTE:
        raise TypeError(f"{field.name}: defaults and methods do not compile")
    if isinstance(field, fields.Nested) and not field.many:
        return compile_dump(field.schema), ()
    if (
        kind in (fields.DateTime, fields.AwareDateTime)
        and getattr(field, "format", None) in _ISO_FORMATS
    ):
        # A str is the database's ISO 8601 text of it (opsx_api/prepared.py).
        return _iso, (datetime, str)
    if kind is fields.UUID:
        return _uuid, (uuid.UUID, str)
    if kind._serialize is fields.String._serialize:
        return _text, (str,)
    if kind is fields.Integer and not getattr(field, "as_string", False):
        return int, (int,)
    if kind is fields.Float and not getattr(field, "as_string", False):
        return float, (float,)
    mapping: Any = field  # a Dict field when `kind` says so
    if (
        kind is fields.Dict
        and mapping.key_field is None
        and mapping.value_field is None
    ):
        # A Fragment is a JSON object read as text (opsx_api/prepared.py).
        return dict, (dict, orjson.Fragment)
    raise TypeError(f"{field.name}: {kind.__name__} does not compile")


def _iso(value):
    return value if isinstance(value, datetime) else value.isoformat()


def _uuid(value):
    return value if type(value) in (uuid.UUID, str) else str(value)


def _text(value):
    return value if type(value) is str else ensure_text_type(value)


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


def _derived(schema: Schema) -> dict[str, Any]:
    """The schema's derived attributes (`ObjectSchema.derived`), if it has any."""
    derived: dict[str, Any] = getattr(schema, "derived", {})
    return derived
