"""The served spec, completed with the errors every operation can answer.

Resources document the answers particular to them (409 `device_conflict`,
412 on a stale If-Match...). The errors that come from the shared layers are
added here, by one rule per layer, so no operation can forget one:

- protected operations (those not marked `security: []`): 401 (no, bad or
  revoked token) and 403 (wrong role, a read-only support session);
- a path parameter: 404 (no such row, another company's, or not a UUID);
- a JSON body: 400 (malformed, `json_too_deep`, `invalid_text`), 413, 415, 422;
- a query string: 400 (`invalid_text`, `invalid_cursor`) and 422.

flask-restx documents every body as JSON; an operation that takes another
media type says so with the vendor key `x-consumes`, made `consumes` here.
"""

from typing import Any

ERROR = {"$ref": "#/definitions/Error"}
RULES = {
    "protected": {401: "Missing, invalid or revoked token", 403: "Not allowed"},
    "path": {404: "Not found (or another company's)"},
    "body": {
        400: "Malformed JSON, too deep, or text with NUL / unpaired surrogates",
        413: "payload_too_large",
        415: "unsupported_media_type",
        422: "Invalid body",
    },
    "query": {400: "invalid_text or invalid_cursor", 422: "Invalid query"},
}
METHODS = ("get", "post", "put", "patch", "delete")


def complete(spec: dict[str, Any]) -> dict[str, Any]:
    """Add the shared error answers to every operation of a Swagger 2.0 spec."""
    for item in spec["paths"].values():
        shared = item.get("parameters", [])
        for method in METHODS:
            if method in item:
                _complete(item[method], shared)
    return spec


def _complete(operation: dict[str, Any], shared: list[dict]) -> None:
    places = {p["in"] for p in [*shared, *operation.get("parameters", [])]}
    kinds = [kind for kind in ("path", "body", "query") if kind in places]
    if operation.get("security") != []:
        kinds.insert(0, "protected")
    responses = operation.setdefault("responses", {})
    for kind in kinds:
        for status, description in RULES[kind].items():
            responses.setdefault(
                str(status), {"description": description, "schema": ERROR}
            )
    if "x-consumes" in operation:
        operation["consumes"] = operation.pop("x-consumes")
    produces = operation.get("produces")
    if produces and "application/json" not in produces:
        operation["produces"] = [*produces, "application/json"]  # errors are JSON
