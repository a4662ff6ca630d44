"""OpenAPI documentation generated from the marshmallow schemas.

marshmallow is the only validator; flask-restx models are derived from the schemas
here, never written by hand. Models are collected in MODELS and registered on the
Api by the registry (`opsx_api/api/__init__.py`).
"""

from flask_restx import Model
from flask_restx import fields as rx
from flask_restx.utils import merge
from marshmallow import Schema, validate
from marshmallow import fields as ma

MODELS: dict[str, Model] = {}

_SIMPLE = [
    (ma.UUID, rx.String, {"format": "uuid"}),
    (ma.Email, rx.String, {"format": "email"}),
    (ma.Url, rx.String, {"format": "uri"}),
    (ma.String, rx.String, {}),
    (ma.AwareDateTime, rx.DateTime, {}),
    (ma.DateTime, rx.DateTime, {}),
    (ma.Integer, rx.Integer, {}),
    (ma.Float, rx.Float, {}),
    (ma.Decimal, rx.Float, {}),
    (ma.Boolean, rx.Boolean, {}),
]


_TYPED = {
    "string": rx.String,
    "integer": rx.Integer,
    "number": rx.Float,
    "boolean": rx.Boolean,
}


def model_for(schema: Schema, name: str | None = None, *, load: bool = False):
    """The flask-restx model of a schema's load (input) or dump (output) view."""
    name = name or _default_name(schema, load)
    if name in MODELS:
        return MODELS[name]
    properties = {}
    for field_name, field in schema.fields.items():
        if (load and field.dump_only) or (not load and field.load_only):
            continue
        properties[field.data_key or field_name] = _convert(field, name, load)
    MODELS[name] = Model(name, properties)
    return MODELS[name]


def page_model_for(schema: Schema, name: str | None = None):
    """The `{data: [...], next_cursor}` envelope of a list endpoint."""
    item = model_for(schema)
    page_name = name or f"{item.name}Page"
    if page_name not in MODELS:
        MODELS[page_name] = Model(
            page_name,
            {
                "data": rx.List(rx.Nested(item), required=True),
                "next_cursor": nullable(
                    rx.String(required=True, description="null on the last page")
                ),
            },
        )
    return MODELS[page_name]


def nullable(field: rx.Raw) -> rx.Raw:
    """Mark a documented field as possibly null.

    Swagger 2.0 has no null type; `x-nullable` is the extension its tools
    (validators, schemathesis, code generators) read. A reference cannot carry
    siblings, so a nested model is wrapped in `allOf`.
    """
    render = field.schema

    def schema():
        rendered = render()
        if "$ref" in rendered:
            rendered = {"allOf": [{"$ref": rendered.pop("$ref")}], **rendered}
        return {**rendered, "x-nullable": True}

    field.schema = schema
    return field


def add_doc(func, **doc):
    """Merge documentation into a view function, as flask-restx's decorators do."""
    func.__apidoc__ = merge(getattr(func, "__apidoc__", {}), doc)
    return func


def response_doc(status: int, description: str, model=None) -> dict:
    return {"responses": {str(status): (description, model, {})}}


def _default_name(schema: Schema, load: bool) -> str:
    base = type(schema).__name__.removesuffix("Schema")
    return f"{base}Input" if load and _views_differ(schema) else base


def _views_differ(schema: Schema) -> bool:
    return any(f.dump_only or f.load_only for f in schema.fields.values())


def _convert(field: ma.Field, parent: str, load: bool):
    kwargs = {
        "required": bool(field.required),
        "description": field.metadata.get("description"),
        "readonly": bool(field.dump_only) or None,
        "example": field.metadata.get("example"),
    }
    if getattr(field, "allow_none", False) and not field.required:
        kwargs["description"] = kwargs["description"] or "may be null"
    for rule in field.validators:
        if isinstance(rule, validate.OneOf):
            kwargs["enum"] = list(rule.choices)
        elif isinstance(rule, validate.Length):
            kwargs.update(min_length=rule.min, max_length=rule.max)
        elif isinstance(rule, validate.Range):
            kwargs.update(min=rule.min, max=rule.max)
    kwargs = {k: v for k, v in kwargs.items() if v is not None}
    converted = _converted(field, parent, load, kwargs)
    return nullable(converted) if field.allow_none else converted


def _converted(field: ma.Field, parent: str, load: bool, kwargs: dict):
    if isinstance(field, ma.Nested):
        nested = field.schema
        model = model_for(nested, load=load)
        if field.many:
            return rx.List(rx.Nested(model, skip_none=True), **_list_kwargs(kwargs))
        # `required` is the parent model's; anything else would wrap the $ref.
        return rx.Nested(model, skip_none=True, required=kwargs["required"])
    if isinstance(field, ma.List):
        return rx.List(_convert(field.inner, parent, load), **_list_kwargs(kwargs))
    if isinstance(field, ma.Dict):
        return rx.Raw(**_raw_kwargs(kwargs, "object"))
    for ma_type, rx_type, extra in _SIMPLE:
        if isinstance(field, ma_type):
            return rx_type(**extra, **kwargs)
    typed = field.metadata.get("type")  # a Method/Function field says what it dumps
    if typed in _TYPED:
        return _TYPED[typed](**kwargs)
    return rx.Raw(**_raw_kwargs(kwargs, None))


def _list_kwargs(kwargs: dict) -> dict:
    allowed = {"required", "description", "readonly", "min_items", "max_items"}
    return {k: v for k, v in kwargs.items() if k in allowed}


def _raw_kwargs(kwargs: dict, kind: str | None) -> dict:
    allowed = {"required", "description", "readonly", "example"}
    raw = {k: v for k, v in kwargs.items() if k in allowed}
    if kind:
        raw["description"] = raw.get("description") or f"any JSON {kind}"
    return raw
