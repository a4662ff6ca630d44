"""Notifications: the inbox of each user and the push outbox behind it."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, JSONType, UUIDPrimaryKey

DELIVERY_STATUSES = ("queued", "sent", "invalid_token", "failed", "cancelled")


class Broadcast(UUIDPrimaryKey, Base):
    """A company admin's message to many users of the company at once.

    One `Notification` (inbox row) per recipient carries `broadcast_id`; delivery
    counts are read live from their push deliveries. `recipients` and `queued` are
    what the broadcast fanned out to when it was sent.
    """

    __tablename__ = "broadcasts"
    __table_args__ = (
        Index("ix_broadcasts_client_id_created_at", "client_id", "created_at"),
    )

    client_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("clients.id", ondelete="RESTRICT")
    )
    # A plain id like the audit trail's actor: the record outlives its sender.
    created_by: Mapped[uuid.UUID | None]
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    recipients: Mapped[int]
    queued: Mapped[int]
    created_at: Mapped[datetime]


class Notification(UUIDPrimaryKey, Base):
    """A message for one user: shown in the inbox, pushed to the user's device.

    `kind` names the trigger (`prospect_assigned`, `broadcast`, `session_revoked`,
    `support_session_started`). `broadcast_id` groups the rows of one admin
    broadcast so delivery can be counted per broadcast.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_user_id_created_at", "user_id", "created_at"),
        Index("ix_notifications_broadcast_id", "broadcast_id"),
    )

    client_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("clients.id", ondelete="RESTRICT")
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    broadcast_id: Mapped[uuid.UUID | None]
    # Inbox rows are what the user reads; a session_revoked signal is push-only.
    in_inbox: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    read_at: Mapped[datetime | None]


class PushDelivery(UUIDPrimaryKey, Base):
    """One push to one device: the outbox job the worker claims and records.

    `token` is the FCM token at queue time. The worker re-checks at send time that
    the session still holds it (a phone that changed hands never gets the previous
    user's pushes) — except for `session_revoked`, which goes to the old token by
    design, before it is forgotten.
    """

    __tablename__ = "push_deliveries"
    __table_args__ = (
        CheckConstraint(
            "status IN ('queued', 'sent', 'invalid_token', 'failed', 'cancelled')",
            name="status_known",
        ),
        Index(
            "ix_push_deliveries_due",
            "next_attempt_at",
            postgresql_where=text("status = 'queued'"),
            sqlite_where=text("status = 'queued'"),
        ),
        Index("ix_push_deliveries_notification_id", "notification_id"),
        Index("ix_push_deliveries_user_id_status", "user_id", "status"),
        # A dead token cancels every queued push to it: find them without a scan.
        Index(
            "ix_push_deliveries_queued_token",
            "token",
            postgresql_where=text("status = 'queued'"),
            sqlite_where=text("status = 'queued'"),
        ),
    )

    client_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("clients.id", ondelete="RESTRICT")
    )
    notification_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("notifications.id", ondelete="CASCADE")
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE")
    )
    session_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("device_sessions.id", ondelete="SET NULL")
    )
    token: Mapped[str | None] = mapped_column(String(1024))
    collapse_key: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="queued")
    # Bumped when a worker claims the row; it also fences a worker whose lease
    # ran out from recording over the newer claim.
    attempts: Mapped[int] = mapped_column(default=0)
    # When the row is next due. A claim pushes it out by the lease, so a worker
    # that dies mid-send leaves a row that becomes due again (at-least-once).
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(String(200))
    fcm_message_id: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
