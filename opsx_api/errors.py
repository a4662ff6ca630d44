"""The one error envelope, for every failure from every layer.

`{"error": {"code", "message", "details"}}`. Services raise ApiError subclasses;
Werkzeug, flask-restx, marshmallow and SQLAlchemy failures are translated here.
No stack trace or SQL ever reaches a client.
"""

import logging
import traceback
from typing import Any

from flask import Flask, Response, g, has_request_context, jsonify
from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError, OperationalError, StatementError
from werkzeug.exceptions import HTTPException

log = logging.getLogger("opsx.errors")


class ApiError(Exception):
    """An error with a status, a contract `code` and optional details.

    `keep_changes`: a refusal whose side effects stand (the unit of work commits
    them before answering), e.g. a replayed refresh token revoking its session.
    """

    status = 400
    code = "bad_request"
    message = "Bad request."

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        details: Any = None,
        headers: dict[str, str] | None = None,
        keep_changes: bool = False,
    ) -> None:
        super().__init__(message or self.message)
        self.message = message or self.message
        self.code = code or self.code
        self.details = details
        self.headers = headers or {}
        self.keep_changes = keep_changes


class BadRequest(ApiError):
    status, code, message = 400, "bad_request", "Malformed request."


class InvalidLinkToken(ApiError):
    """An emailed link's token that is forged, used, revoked or expired."""

    status, code = 400, "invalid_token"
    message = "This link is not valid: it may have expired or been used already."


class Unauthorized(ApiError):
    status, code, message = 401, "invalid_token", "Authentication required."

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        details: Any = None,
        keep_changes: bool = False,
    ) -> None:
        code = code or self.code
        challenge = f'Bearer error="{code}"' if code == "invalid_token" else "Bearer"
        super().__init__(
            message,
            code=code,
            details=details,
            headers={"WWW-Authenticate": challenge},
            keep_changes=keep_changes,
        )


class Forbidden(ApiError):
    status, code, message = 403, "forbidden", "You may not do this."


class NotFound(ApiError):
    status, code, message = 404, "not_found", "Not found."


class UnsupportedMediaType(ApiError):
    status, code, message = 415, "unsupported_media_type", "Send application/json."


class Conflict(ApiError):
    status, code, message = 409, "conflict", "Conflicts with the current state."


class PayloadTooLarge(ApiError):
    status, code, message = 413, "payload_too_large", "The request body is too large."


class PreconditionFailed(ApiError):
    status, code = 412, "precondition_failed"
    message = "The resource changed since you read it."


class ValidationFailed(ApiError):
    status, code, message = 422, "validation_error", "Invalid request body."


class InvalidQuery(ValidationFailed):
    """A query parameter failed its schema: the same code, named as a query error."""

    message = "Invalid query parameter."

    def __init__(self, messages: dict[str, Any]) -> None:
        names = ", ".join(sorted(str(name) for name in messages))
        super().__init__(f"Invalid query parameter: {names}.", details=messages)


class FieldLimitExceeded(ApiError):
    """Custom fields over a configured limit; `details.limit` names which."""

    status, code, message = 422, "field_limit_exceeded", "Too many or too large fields."


class PreconditionRequired(ApiError):
    status, code, message = 428, "precondition_required", "If-Match is required."


class Throttled(ApiError):
    status, code, message = 429, "too_many_attempts", "Too many attempts."

    def __init__(
        self, retry_after: float, message: str | None = None, *, code: str | None = None
    ) -> None:
        retry_after = max(1, int(retry_after))
        super().__init__(
            message,
            code=code,
            details={"retry_after": retry_after},
            headers={"Retry-After": str(retry_after)},
        )


class ServiceUnavailable(ApiError):
    status, code = 503, "service_unavailable"
    message = "A dependency is unavailable; try again shortly."


HTTP_CODES = {
    400: "bad_request",
    401: "invalid_token",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    412: "precondition_failed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    428: "precondition_required",
    429: "too_many_attempts",
    503: "service_unavailable",
}


def envelope(
    status: int,
    code: str,
    message: str,
    details: Any = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """The response for one error."""
    body: dict[str, Any] = {"code": code, "message": message, "details": details}
    response = jsonify({"error": body})
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def handle_exception(exc: BaseException):
    """Turn any exception into the envelope; used by Flask and flask-restx alike."""
    from opsx_api import db

    if isinstance(exc, ApiError):
        return envelope(exc.status, exc.code, exc.message, exc.details, exc.headers)
    if isinstance(exc, ValidationError):
        return envelope(422, "validation_error", "Invalid request body.", exc.messages)
    if isinstance(exc, HTTPException):
        status = exc.code or 500
        code = HTTP_CODES.get(status, "http_error")
        headers = {}
        if status == 401:
            headers["WWW-Authenticate"] = "Bearer"
        allowed = getattr(exc, "valid_methods", None)  # MethodNotAllowed's
        if status == 405 and allowed:
            headers["Allow"] = ", ".join(allowed)
        return envelope(status, code, exc.description or code, None, headers)
    _rollback(db)
    if isinstance(exc, IntegrityError):
        log.info("integrity error: %s", exc.orig.__class__.__name__)
        return envelope(409, "conflict", "Conflicts with an existing record.")
    if isinstance(exc, OperationalError):
        log.error("database unavailable: %s", exc.orig.__class__.__name__)
        return envelope(503, "service_unavailable", ServiceUnavailable.message)
    log.error("unhandled error", extra={"payload": unhandled_payload(exc)})
    return envelope(500, "internal_error", "Something went wrong on our side.")


def unhandled_payload(exc: BaseException) -> dict[str, Any]:
    """Where it failed, never with what: types and frames, no messages.

    Exception messages carry data: SQLAlchemy appends the statement's
    parameters (names, emails), drivers quote offending values, and Python's
    own errors repeat keys. The log line keeps the exception types (with their
    causes), the frames, and for a statement error its SQL text, which holds
    placeholders only.
    """
    chain, seen = [], set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append(f"{type(current).__module__}.{type(current).__qualname__}")
        current = current.__cause__ or current.__context__
    frames = traceback.extract_tb(exc.__traceback__)
    payload: dict[str, Any] = {
        "event": "unhandled_error",
        "request_id": g.get("request_id") if has_request_context() else None,
        "errors": chain,
        "trace": [f"{f.filename}:{f.lineno} in {f.name}" for f in frames[-12:]],
    }
    if isinstance(exc, StatementError) and exc.statement:
        payload["sql"] = " ".join(str(exc.statement).split())[:500]
    return payload


def _rollback(db) -> None:
    try:
        db.session().rollback()
    except Exception:  # the session may be unusable; the request ends anyway
        log.debug("rollback failed", exc_info=True)


def init_app(app: Flask) -> None:
    """Route every error outside flask-restx's own routes into the envelope."""
    app.register_error_handler(Exception, handle_exception)
