"""Outgoing email: the outbox rows `flask worker` delivers through SMTP."""

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UUIDPrimaryKey

EMAIL_STATUSES = ("queued", "sent", "failed", "cancelled")


class Email(UUIDPrimaryKey, Base):
    """One rendered email to one address, queued with the change that caused it.

    The bodies may hold a link's raw token, so they live only while the email
    is queued: the write that makes it `sent`, `failed` or `cancelled` blanks
    them (the token's hash lives on in `link_tokens`). An email whose link dies
    first (`send_before`) is cancelled instead of sent.
    """

    __tablename__ = "emails"
    __table_args__ = (
        CheckConstraint(
            "status IN ('queued', 'sent', 'failed', 'cancelled')", name="status_known"
        ),
        Index(
            "ix_emails_due",
            "next_attempt_at",
            postgresql_where=text("status = 'queued'"),
            sqlite_where=text("status = 'queued'"),
        ),
        Index("ix_emails_user_id_status", "user_id", "status"),
        Index("ix_emails_client_id", "client_id"),
    )

    client_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("clients.id", ondelete="RESTRICT")
    )
    # The account it concerns, if any (a referral goes to someone who has none).
    user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    kind: Mapped[str] = mapped_column(String(32))
    to_address: Mapped[str] = mapped_column(String(254))
    to_name: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(200))
    text_body: Mapped[str | None] = mapped_column(Text)
    html_body: Mapped[str | None] = mapped_column(Text)
    # The one-click unsubscribe URL of a newsletter (RFC 8058 headers); it
    # holds a link token, so it is blanked with the bodies.
    list_unsubscribe: Mapped[str | None] = mapped_column(String(500))
    # The Message-ID header, the same on every attempt: a repeat after a crash
    # is recognisably the same message.
    message_id: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="queued")
    # Bumped by every claim; the fencing token of the lease (as for pushes).
    attempts: Mapped[int] = mapped_column(default=0)
    # Answers of the mail server that refused this message for now (4xx): the
    # retry limit counts these, not attempts made while the server was away.
    failures: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    send_before: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
