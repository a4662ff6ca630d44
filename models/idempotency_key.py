"""Idempotency keys: a retried POST replays its first answer instead of acting twice."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, JSONType, UUIDPrimaryKey


class IdempotencyKey(UUIDPrimaryKey, Base):
    """One `Idempotency-Key` of one user, with the request's hash and the answer.

    The unique constraint decides between concurrent requests with one key: the
    loser's insert fails once the winner commits, and the loser replays.
    Rows older than the retention (24 h) are ignored and purged.
    """

    __tablename__ = "idempotency_keys"
    __table_args__ = (
        UniqueConstraint("client_id", "user_id", "key"),
        Index("ix_idempotency_keys_created_at", "created_at"),
    )

    client_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("clients.id", ondelete="RESTRICT")
    )
    # Not a foreign key: support staff acting for a client have a user id too.
    user_id: Mapped[uuid.UUID]
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    # Null only inside the first request's own transaction, never once committed.
    status_code: Mapped[int | None]
    response_body: Mapped[Any | None] = mapped_column(JSONType)
    response_headers: Mapped[dict[str, str]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime]
