"""Which error `code` values each documented error answer can carry.

A resource documents its own answers with the codes first (`409`:
"device_conflict: signed in on another device"); the shared layers' answers
come from `spec.RULES`. The codes of one answer are the snake_case codes its
description names, those of the shared layers that reach the operation with the
same status, or else the status's generic code (`errors.py`).
"""

import re

from opsx_api.errors import HTTP_CODES

GENERIC = HTTP_CODES  # the generic code of each status, as the app answers it
MESSAGES = {
    400: "Malformed request.",
    401: "Authentication required.",
    403: "You may not do this.",
    404: "Not found.",
    409: "Conflicts with the current state.",
    412: "The resource changed since you read it.",
    413: "The request body is too large.",
    415: "Send application/json.",
    422: "Invalid request body.",
    428: "If-Match is required.",
    429: "Too many attempts.",
    503: "Service unavailable.",
}
_CODE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")


def named_in(description: str) -> list[str]:
    """The snake_case codes a response description names, in order."""
    return list(dict.fromkeys(_CODE.findall(description)))


def codes_for(status: int, description: str, shared: list[str]) -> list[str]:
    """The codes of one error answer: named, then shared, else the generic one."""
    codes = list(dict.fromkeys([*named_in(description), *shared]))
    return codes or [GENERIC.get(status, "http_error")]


def example(status: int, code: str) -> dict:
    """An envelope carrying `code`, as the API answers it."""
    message = MESSAGES.get(status, "Request failed.")
    return {"error": {"code": code, "message": message, "details": None}}
