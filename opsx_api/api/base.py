"""Base resources and the decorators that parse bodies and dump answers."""

from collections.abc import Callable
from functools import wraps
from typing import Any, ClassVar

from flask import request
from flask_restx import Resource
from marshmallow import Schema, ValidationError, validate
from marshmallow import fields as ma

from models import ROLES
from opsx_api import db
from opsx_api.api.docs import add_doc, model_for, page_model_for, response_doc
from opsx_api.auth.access import SupportLevel, authorized
from opsx_api.errors import BadRequest, InvalidQuery, UnsupportedMediaType
from opsx_api.render import compile_dump, json_response
from opsx_api.request_body import (
    MAX_JSON_DEPTH,
    JsonTooDeep,
    UnstorableText,
    check_value,
    parse_json,
)


def transactional(method: Callable[..., Any]) -> Callable[..., Any]:
    """flask-restx method decorator: the request's one unit of work."""

    @wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with db.unit_of_work():
            return method(*args, **kwargs)

    return wrapper


class BaseResource(Resource):
    """Protected by default: a valid token, a live session, and the declaration.

    Subclasses declare who may call them (`opsx_api.auth.access`): `roles` for
    people signed in as themselves, `support` for support sessions ("never" by
    default). Methods run in one unit of work, after the check.
    """

    roles: ClassVar[tuple[str, ...]] = ()
    support: ClassVar[SupportLevel] = "never"
    # flask-restx applies these in order, so the last is outermost; `authorized`
    # comes first because it reads the resource off the bound method.
    method_decorators = [authorized, transactional]


class OwnAccountResource(BaseResource):
    """The caller's own login and account: everyone's, and no support session's."""

    roles = ROLES
    support: ClassVar[SupportLevel] = "never"


class PublicResource(Resource):
    """Opts out of authentication, visibly. Methods run in one unit of work."""

    public: ClassVar[bool] = True
    method_decorators = [transactional]


def read_json() -> Any:
    """The JSON body: 415 for another media type, 400 when it does not parse.

    Also 400 `json_too_deep` past MAX_JSON_DEPTH levels and 400 `invalid_text`
    for a string no database can store (NUL, an unpaired surrogate).
    """
    raw = request.get_data(cache=True)
    if not raw:
        return {}
    if request.mimetype != "application/json":
        raise UnsupportedMediaType()
    try:
        return parse_json(raw)
    except JsonTooDeep:
        raise BadRequest(
            f"JSON may nest at most {MAX_JSON_DEPTH} levels.", code="json_too_deep"
        ) from None
    except UnstorableText as exc:
        raise invalid_text(exc.where) from None
    except ValueError:
        raise BadRequest("The body is not valid JSON.") from None


def invalid_text(where: str) -> BadRequest:
    return BadRequest(
        "Text may not contain NUL characters or unpaired surrogates.",
        code="invalid_text",
        details={"at": where},
    )


def use_schema(schema: Schema, *, name: str | None = None):
    """Load the JSON body through `schema` (422 on errors) and pass it as `data`."""
    model = model_for(schema, name, load=True)

    def decorator(func):
        @wraps(func)
        def wrapper(self, *args, **kwargs):
            return func(self, schema.load(read_json()), *args, **kwargs)

        add_doc(wrapper, expect=[model], validate=False)
        add_doc(wrapper, **response_doc(422, "Invalid body", "Error"))
        return wrapper

    return decorator


def use_args(schema: Schema):
    """Load the query string through `schema` and pass it as `args`.

    A parameter that fails its schema is 422 `validation_error` whose message
    names the query parameters (`details`: per-parameter messages).
    """

    def decorator(func):
        @wraps(func)
        def wrapper(self, *args, **kwargs):
            raw = {key: request.args.get(key) for key in request.args}
            try:
                check_value(raw)
            except UnstorableText as exc:
                raise invalid_text(exc.where) from None
            try:
                loaded = schema.load(raw)
            except ValidationError as exc:
                raise InvalidQuery(exc.normalized_messages()) from None
            return func(self, loaded, *args, **kwargs)

        params = {
            field.data_key or name: query_param_doc(field)
            for name, field in schema.fields.items()
            if not field.dump_only
        }
        return add_doc(wrapper, params=params)

    return decorator


def query_param_doc(field: ma.Field) -> dict[str, Any]:
    """A query parameter as documented: type, format, enum, bounds and default."""
    doc: dict[str, Any] = {"in": "query", "type": "string"}
    doc["description"] = field.metadata.get("description", "")
    if isinstance(field, ma.Integer):
        doc["type"] = "integer"
    elif isinstance(field, ma.Boolean):
        doc["type"] = "boolean"
    elif isinstance(field, ma.UUID):
        doc["format"] = "uuid"
    elif isinstance(field, ma.DateTime):
        doc["format"] = "date-time"
    for rule in field.validators:
        if isinstance(rule, validate.OneOf):
            doc["enum"] = list(rule.choices)
        elif isinstance(rule, validate.Range):
            if rule.min is not None:
                doc["minimum"] = rule.min
            if rule.max is not None:
                doc["maximum"] = rule.max
    default = field.load_default
    if isinstance(default, str | int | bool) and not callable(default):
        doc["default"] = default
    return doc


def dump_with(schema: Schema, status: int = 200, *, name: str | None = None):
    """Serialise the return value through `schema`; documents the response model."""
    model = model_for(schema, name)

    def decorator(func):
        @wraps(func)
        def wrapper(*args, **kwargs):
            result = func(*args, **kwargs)
            headers = {}
            # (body, headers); a named tuple (a result row) is a body.
            if type(result) is tuple:
                result, headers = result
            return schema.dump(result), status, headers

        return add_doc(wrapper, **response_doc(status, "Success", model))

    return decorator


def dump_page(schema: Schema, *, name: str | None = None):
    """Serialise a `Page` as `{data: [...], next_cursor}`."""
    model = page_model_for(schema, name)

    def decorator(func):
        @wraps(func)
        def wrapper(*args, **kwargs):
            page = func(*args, **kwargs)
            data = schema.dump(page.items, many=True)
            return {"data": data, "next_cursor": page.next_cursor}, 200

        return add_doc(wrapper, **response_doc(200, "Success", model))

    return decorator


def render_page(schema: Schema, *, name: str | None = None):
    """`dump_page` for hot lists: the schema's compiled renderer and orjson.

    The same JSON as `dump_page` (tests/prospects/test_prospects_render.py),
    several times cheaper.
    """
    model = page_model_for(schema, name)
    dump = compile_dump(schema)

    def decorator(func):
        @wraps(func)
        def wrapper(*args, **kwargs):
            page = func(*args, **kwargs)
            data = [dump(item) for item in page.items]
            return json_response({"data": data, "next_cursor": page.next_cursor})

        return add_doc(wrapper, **response_doc(200, "Success", model))

    return decorator


def no_content(func):
    """The method answers 204 with no body."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        func(*args, **kwargs)
        return "", 204

    return add_doc(wrapper, **response_doc(204, "Done"))
