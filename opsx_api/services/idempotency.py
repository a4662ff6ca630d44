"""`Idempotency-Key`: a retried POST replays its first answer instead of acting twice.

Keys belong to one user of one client and live `OPSX_IDEMPOTENCY_TTL_HOURS`
(24). `claim` inserts the key row before the work and the request's unit of
work commits it with the work and its `record`ed answer: of two concurrent
requests with one key, the unique constraint lets one insert; the other waits
for it to commit, fails (inside a savepoint, so its transaction stays usable),
and replays the stored answer. A request that fails stores nothing, so its
retry runs again.
"""

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from models import IdempotencyKey
from opsx_api import db
from opsx_api.clock import utcnow
from opsx_api.errors import BadRequest, Conflict, ValidationFailed

KEY_MAX_LENGTH = 255


@dataclass
class StoredResponse:
    """An answer as sent, so it can be sent again."""

    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)
    replayed: bool = False


def fingerprint(method: str, path: str, body: bytes) -> str:
    """The hash that says whether a retry is "the same request"."""
    digest = hashlib.sha256(f"{method} {path}\n".encode())
    digest.update(body)
    return digest.hexdigest()


def claim(
    *, client_id: uuid.UUID, user_id: uuid.UUID, key: str, request_hash: str
) -> IdempotencyKey | StoredResponse:
    """This request's new key row, or the stored answer to replay instead.

    A key already used for the same request replays; for another request it
    is 422 `idempotency_key_reused`.
    """
    _check_key(key)
    previous = _find(client_id, user_id, key)
    if previous is not None:
        return _replay(previous, request_hash)
    row = IdempotencyKey(
        id=uuid.uuid4(),
        client_id=client_id,
        user_id=user_id,
        key=key,
        request_hash=request_hash,
        response_headers={},
        created_at=utcnow(),
    )
    try:
        with db.session().begin_nested():
            db.session().add(row)
            db.session().flush()  # waits here while a concurrent twin is in flight
    except IntegrityError:
        return _replay_winner(client_id, user_id, key, request_hash)
    return row


def record(row: IdempotencyKey, response: StoredResponse) -> None:
    """Keep the answer with its key, to be committed with the work."""
    row.status_code = response.status
    row.response_body = response.body
    row.response_headers = response.headers


def purge_expired(*, dry_run: bool = False) -> int:
    """Delete keys past their retention; the count. For `flask admin purge`."""
    cutoff = _cutoff()
    if dry_run:
        stmt = select(IdempotencyKey.id).where(IdempotencyKey.created_at <= cutoff)
        return len(db.session().scalars(stmt).all())
    return db.changed(delete(IdempotencyKey).where(IdempotencyKey.created_at <= cutoff))


def _check_key(key: str) -> None:
    if not 1 <= len(key) <= KEY_MAX_LENGTH or not all(33 <= ord(c) < 127 for c in key):
        raise BadRequest(
            "Idempotency-Key must be 1-255 visible ASCII characters.",
            code="invalid_idempotency_key",
        )


def _cutoff() -> datetime:
    return utcnow() - timedelta(hours=current_app.config["IDEMPOTENCY_TTL_HOURS"])


def _find(client_id: uuid.UUID, user_id: uuid.UUID, key: str) -> IdempotencyKey | None:
    """The live record of a key; an expired one is removed so the key is free."""
    row = db.session().scalar(
        select(IdempotencyKey).where(
            IdempotencyKey.client_id == client_id,
            IdempotencyKey.user_id == user_id,
            IdempotencyKey.key == key,
        )
    )
    if row is not None and row.created_at <= _cutoff():
        db.session().delete(row)
        db.session().flush()
        return None
    return row


def _replay_winner(
    client_id: uuid.UUID, user_id: uuid.UUID, key: str, request_hash: str
) -> StoredResponse:
    winner = _find(client_id, user_id, key)
    if winner is None:  # the twin rolled back after all; the client may retry
        raise Conflict(
            "A request with this Idempotency-Key is in progress; retry.",
            code="idempotency_key_in_use",
        )
    return _replay(winner, request_hash)


def _replay(row: IdempotencyKey, request_hash: str) -> StoredResponse:
    if row.request_hash != request_hash:
        raise ValidationFailed(
            "This Idempotency-Key was used for another request.",
            code="idempotency_key_reused",
        )
    if row.status_code is None:  # claimed, never answered: its request failed
        raise Conflict(
            "A request with this Idempotency-Key is in progress; retry.",
            code="idempotency_key_in_use",
        )
    return StoredResponse(
        row.status_code, row.response_body, dict(row.response_headers), replayed=True
    )
