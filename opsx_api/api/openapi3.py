"""The served Swagger 2.0 spec, rewritten as an OpenAPI 3.1 document.

One source: flask-restx builds the Swagger 2.0 spec from the route metadata and
the models generated from the marshmallow schemas (`docs.py`), `spec.complete`
adds the shared errors and `access_doc` who may call. This module only changes
the notation, so the two documents cannot disagree:

- `definitions` become `components/schemas` (JSON Schema 2020-12: `x-nullable`
  becomes a `null` type or an `anyOf` with null, `example` becomes `examples`);
- body parameters become `requestBody` with the operation's media types
  (`text/csv` for the import), `produces` the response's (`text/csv` for the
  export; errors are always JSON);
- query, path and header parameters get a `schema` (type, format, enum, bounds);
- each error answer names its `code` values and carries one example per code;
- Bearer is an `http` security scheme.
"""

import copy
from typing import Any

from opsx_api.api import error_codes

METHODS = ("get", "post", "put", "patch", "delete")
PARAM_SCHEMA_KEYS = (
    "type",
    "format",
    "enum",
    "minimum",
    "maximum",
    "default",
    "items",
    "minLength",
    "maxLength",
)
JSON = "application/json"


def convert(swagger: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI 3.1 form of a completed Swagger 2.0 spec."""
    swagger = copy.deepcopy(swagger)
    paths = {
        path: _path_item(item, swagger.get("consumes", [JSON]))
        for path, item in swagger["paths"].items()
    }
    schemas = {
        name: _schema(definition)
        for name, definition in swagger.get("definitions", {}).items()
    }
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": swagger["info"],
        "servers": [{"url": swagger.get("basePath", "/")}],
        "tags": swagger.get("tags", []),
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "Bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "JWT",
                    "description": "`Authorization: Bearer <access_token>` "
                    "from POST /auth/login or /auth/refresh",
                }
            },
        },
        "security": [{"Bearer": []}],
    }
    return document


def _path_item(item: dict[str, Any], consumes: list[str]) -> dict[str, Any]:
    converted: dict[str, Any] = {}
    if item.get("parameters"):
        converted["parameters"] = [_parameter(p) for p in item["parameters"]]
    for method in METHODS:
        if method in item:
            converted[method] = _operation(item[method], consumes)
    return converted


def _operation(operation: dict[str, Any], consumes: list[str]) -> dict[str, Any]:
    converted = {
        key: operation[key]
        for key in ("tags", "summary", "description", "operationId", "security")
        if key in operation
    }
    parameters = operation.get("parameters", [])
    others = [_parameter(p) for p in parameters if p["in"] not in ("body", "formData")]
    if others:
        converted["parameters"] = others
    bodies = [p for p in parameters if p["in"] == "body"]
    if bodies:
        converted["requestBody"] = _request_body(
            bodies[0], operation.get("consumes", consumes)
        )
    produces = [t for t in operation.get("produces", [JSON]) if t != JSON] or [JSON]
    converted["responses"] = {
        status: _response(int(status), response, produces)
        for status, response in operation["responses"].items()
    }
    return converted


def _parameter(parameter: dict[str, Any]) -> dict[str, Any]:
    schema = {k: parameter[k] for k in PARAM_SCHEMA_KEYS if k in parameter}
    converted: dict[str, Any] = {
        "name": parameter["name"],
        "in": parameter["in"],
        "schema": _schema(schema) if schema else {"type": "string"},
    }
    if parameter.get("description"):
        converted["description"] = parameter["description"]
    if parameter["in"] == "path" or parameter.get("required"):
        converted["required"] = True
    return converted


def _request_body(body: dict[str, Any], media_types: list[str]) -> dict[str, Any]:
    schema = _schema(body["schema"])
    converted: dict[str, Any] = {
        "required": bool(body.get("required", True)),
        "content": {media_type: {"schema": schema} for media_type in media_types},
    }
    if body.get("description"):
        converted["description"] = body["description"]
    return converted


def _response(status: int, response: dict[str, Any], produces: list[str]) -> dict:
    converted: dict[str, Any] = {"description": response["description"]}
    if status >= 400:
        codes = response.get("x-error-codes", [error_codes.GENERIC.get(status)])
        listed = ", ".join(f"`{code}`" for code in codes)
        converted["description"] = f"{response['description']}. Codes: {listed}"
        converted["x-error-codes"] = codes
        converted["content"] = {
            JSON: {
                "schema": _schema(response.get("schema", {})),
                "examples": {
                    code: {"value": error_codes.example(status, code)} for code in codes
                },
            }
        }
    elif "schema" in response:
        schema = _schema(response["schema"])
        converted["content"] = {JSON: {"schema": schema}}
    elif status != 204 and produces != [JSON]:
        converted["content"] = {t: {"schema": {"type": "string"}} for t in produces}
    if response.get("headers"):
        converted["headers"] = {
            name: {
                "description": header.get("description", ""),
                "schema": {"type": header.get("type", "string")},
            }
            for name, header in response["headers"].items()
        }
    return converted


def _schema(schema: Any) -> Any:
    """A Swagger 2.0 schema as JSON Schema 2020-12, recursively."""
    if isinstance(schema, list):
        return [_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    converted = {key: _schema(value) for key, value in schema.items()}
    if "$ref" in converted:
        name = converted["$ref"].rsplit("/", 1)[-1]
        converted["$ref"] = f"#/components/schemas/{name}"
    if "example" in converted:
        converted["examples"] = [converted.pop("example")]
    if converted.pop("x-nullable", False):
        converted = _nullable(converted)
    return converted


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema or "allOf" in schema:
        inner = {k: schema.pop(k) for k in ("$ref", "allOf") if k in schema}
        return {"anyOf": [inner, {"type": "null"}], **schema}
    if "type" in schema:
        schema["type"] = [schema["type"], "null"]
        if "enum" in schema:
            schema["enum"] = [*schema["enum"], None]
    return schema
