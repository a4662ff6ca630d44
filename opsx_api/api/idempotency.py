"""`replayable`: `dump_with` for a POST that honours `Idempotency-Key`.

Inside the request's unit of work, the key is claimed before the method runs
and the answer recorded with it after, so both commit with the work or not at
all: a retry with the same key and body replays the first answer (status,
body, ETag) with `Idempotent-Replayed: true`.
"""

import json
from collections.abc import Callable
from contextlib import suppress
from functools import wraps
from typing import Any

from flask import request
from marshmallow import Schema

from opsx_api.api.docs import add_doc, model_for, response_doc
from opsx_api.auth.identity import current_identity
from opsx_api.request_body import parse_json
from opsx_api.services import idempotency
from opsx_api.tenancy import tenant_id

HEADER_DOC = {
    "Idempotency-Key": {
        "in": "header",
        "type": "string",
        "description": "a key of your choice (1-255 visible ASCII) per logical "
        "request: a retry with the same key and body replays the first answer for "
        "24 h; the same key with another body is 422 `idempotency_key_reused`",
    }
}


def request_hash() -> str:
    """The request's fingerprint: JSON is compared as data, anything else as bytes."""
    raw = request.get_data(cache=True)
    if request.mimetype == "application/json" and raw:
        with suppress(ValueError):  # unparsable JSON was refused by the schema
            raw = json.dumps(parse_json(raw), sort_keys=True).encode()
    return idempotency.fingerprint(request.method, request.path, raw)


def replayable(
    schema: Schema,
    status: int,
    *,
    headers: Callable[[Any], dict[str, str]] | None = None,
    name: str | None = None,
):
    """Serialise through `schema` with `status`; `headers(result)` adds headers."""
    model = model_for(schema, name)

    def decorator(func):
        def render(result) -> idempotency.StoredResponse:
            extra = headers(result) if headers else {}
            return idempotency.StoredResponse(status, schema.dump(result), extra)

        @wraps(func)
        def wrapper(*args, **kwargs):
            key = request.headers.get("Idempotency-Key")
            if key is None:
                return _answer(render(func(*args, **kwargs)))
            claimed = idempotency.claim(
                client_id=tenant_id(),
                user_id=current_identity().user_id,
                key=key,
                request_hash=request_hash(),
            )
            if isinstance(claimed, idempotency.StoredResponse):
                return _answer(claimed)
            response = render(func(*args, **kwargs))
            idempotency.record(claimed, response)
            return _answer(response)

        add_doc(wrapper, params=HEADER_DOC)
        add_doc(wrapper, **response_doc(422, "idempotency_key_reused", "Error"))
        return add_doc(wrapper, **response_doc(status, "Success", model))

    return decorator


def _answer(response: idempotency.StoredResponse):
    sent = dict(response.headers)
    if response.replayed:
        sent["Idempotent-Replayed"] = "true"
    return response.body, response.status, sent
