"""The served spec, completed with the errors every operation can answer.

Resources document the answers particular to them (409 `device_conflict`,
412 on a stale If-Match...). The errors that come from the shared layers are
added here, by one rule per layer, so no operation can forget one:

- protected operations (those not marked `security: []`): 401 (no, bad or
  revoked token) and 403 (wrong role, a read-only support session);
- a path parameter: 404 (no such row, another company's, or not a UUID);
- a JSON body: 400 (malformed, `json_too_deep`, `invalid_text`), 413, 415, 422;
- a query string: 400 (`invalid_text`, and `invalid_cursor` with a cursor) and
  422 (a parameter off its type, bounds or enum);
- an `Idempotency-Key` header: 400, 409 (in progress) and 422 (reused).

Every error answer lists its `code` values (`x-error-codes`) and shows the first
in its example (`opsx_api/api/error_codes.py`). flask-restx documents every body
as JSON; an operation that takes another media type says so with the vendor key
`x-consumes`, made `consumes` here.
"""

from typing import Any

from opsx_api.api import error_codes

ERROR = {"$ref": "#/definitions/Error"}
CURSORS = {"cursor", "since"}
IDEMPOTENCY = "Idempotency-Key"
# kind -> status -> (description, codes)
RULES: dict[str, dict[int, tuple[str, list[str]]]] = {
    "protected": {
        401: ("Missing, invalid or revoked token", ["unauthorized", "invalid_token"]),
        403: ("Not allowed (role, or a support session's scope)", ["forbidden"]),
    },
    "path": {404: ("Not found (or another company's)", ["not_found"])},
    "body": {
        400: (
            "Malformed JSON, too deep, or text with NUL / unpaired surrogates",
            ["bad_request", "json_too_deep", "invalid_text"],
        ),
        413: ("Body too large", ["payload_too_large"]),
        415: ("Not the documented media type", ["unsupported_media_type"]),
        422: ("Invalid body (details: per-field messages)", ["validation_error"]),
    },
    "idempotency": {
        400: ("Idempotency-Key malformed", ["invalid_idempotency_key"]),
        409: (
            "A request with this Idempotency-Key is in progress",
            ["idempotency_key_in_use"],
        ),
        422: ("Idempotency-Key reused with another body", ["idempotency_key_reused"]),
    },
    "query": {
        400: ("Text with NUL / unpaired surrogates", ["invalid_text"]),
        422: (
            "Invalid query parameter (details: per-parameter messages)",
            ["validation_error"],
        ),
    },
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
    parameters = [*shared, *operation.get("parameters", [])]
    rules = _rules(operation, parameters)
    responses = operation.setdefault("responses", {})
    for status, (description, _codes) in rules.items():
        responses.setdefault(str(status), {"description": description})
    for status, response in responses.items():
        if int(status) >= 400:
            _describe_error(int(status), response, rules.get(int(status)))
    if "x-consumes" in operation:
        operation["consumes"] = operation.pop("x-consumes")
    produces = operation.get("produces")
    if produces and "application/json" not in produces:
        operation["produces"] = [*produces, "application/json"]  # errors are JSON


def _rules(operation: dict, parameters: list[dict]) -> dict[int, tuple[str, list]]:
    """The shared layers' answers that reach this operation, by status."""
    places = {p["in"] for p in parameters}
    queries = {p["name"] for p in parameters if p["in"] == "query"}
    kinds = [kind for kind in ("path", "body", "query") if kind in places]
    if operation.get("security") != []:
        kinds.insert(0, "protected")
    if IDEMPOTENCY in {p["name"] for p in parameters if p["in"] == "header"}:
        kinds.append("idempotency")
    not_json = "application/json" not in operation.get(
        "x-consumes", ["application/json"]
    )
    rules: dict[int, tuple[str, list]] = {}
    for kind in kinds:
        for status, (description, codes) in RULES[kind].items():
            if kind == "body" and status == 400 and not_json:
                continue  # a CSV body is not parsed as JSON: its faults are 422
            if kind == "query" and status == 400 and CURSORS & queries:
                codes = [*codes, "invalid_cursor"]
                description += ", or a malformed cursor"
            known, more = rules.get(status, (description, []))
            rules[status] = (known, list(dict.fromkeys([*more, *codes])))
    return rules


def _describe_error(status: int, response: dict, rule: tuple | None) -> None:
    """The envelope schema, the answer's codes and an example of the first."""
    codes = error_codes.codes_for(
        status, response["description"], rule[1] if rule else []
    )
    response["schema"] = ERROR
    response["x-error-codes"] = codes
    response["examples"] = {"application/json": error_codes.example(status, codes[0])}
