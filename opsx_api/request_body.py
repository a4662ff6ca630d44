"""Request bodies: read through OPSX_MAX_BODY_BYTES, parsed as bounded JSON.

Werkzeug refuses a declared `Content-Length` over the limit, but a chunked body
(no length) is read only up to the limit and then silently cut: a 1.2 MB CSV
import would be imported in part. So a chunked body is read here, once, before
any view runs, through a limit one byte larger; more than the limit is 413 and
no view ever sees it. The body is cached, so `request.get_data()` returns it.

JSON is parsed with a depth bound, and strings that no database can store (NUL,
unpaired UTF-16 surrogates) are refused before any schema or service sees them.
"""

import json
from typing import Any

from flask import Flask, current_app, request

from opsx_api.errors import PayloadTooLarge

MAX_JSON_DEPTH = 32


class JsonTooDeep(ValueError):
    """The JSON nests deeper than MAX_JSON_DEPTH."""


class UnstorableText(ValueError):
    """A string holds NUL or an unpaired surrogate; `where` says which."""

    def __init__(self, where: str) -> None:
        super().__init__(where)
        self.where = where


def read_body_through_limit() -> None:
    """Read a length-less (chunked) body now: 413 when it exceeds the limit."""
    if request.content_length is not None:
        return  # Werkzeug refuses a declared length over MAX_CONTENT_LENGTH
    if "HTTP_TRANSFER_ENCODING" not in request.environ:
        return  # neither length nor chunks: the request has no body (RFC 9112 6.3)
    if "wsgi.input_terminated" not in request.environ:
        return  # the server cannot end the stream: Werkzeug reads nothing
    limit = current_app.config["MAX_BODY_BYTES"]
    request.max_content_length = limit + 1
    if len(request.get_data(cache=True)) > limit:
        raise PayloadTooLarge()


def parse_json(raw: bytes | str) -> Any:
    """Parse JSON, refusing deep nesting and unstorable text (ValueError kinds)."""
    try:
        value = json.loads(raw)
    except RecursionError:
        raise JsonTooDeep() from None
    check_value(value)
    return value


def check_value(value: Any) -> None:
    """Walk a parsed document without recursion: depth and every string."""
    stack: list[tuple[Any, str, int]] = [(value, "$", 1)]
    while stack:
        item, where, depth = stack.pop()
        if isinstance(item, str):
            check_text(item, where)
            continue
        if not isinstance(item, dict | list):
            continue
        if depth > MAX_JSON_DEPTH:
            raise JsonTooDeep()
        pairs = item.items() if isinstance(item, dict) else enumerate(item)
        for key, inner in pairs:
            if isinstance(key, str):
                check_text(key, where)
            inner_where = (
                f"{where}.{key}" if isinstance(key, str) else f"{where}[{key}]"
            )
            stack.append((inner, inner_where, depth + 1))


def check_text(text: str, where: str) -> None:
    """NUL and lone surrogates: PostgreSQL refuses the first, UTF-8 the second."""
    if "\x00" in text:
        raise UnstorableText(where)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise UnstorableText(where) from None


def init_app(app: Flask) -> None:
    app.before_request(read_body_through_limit)
