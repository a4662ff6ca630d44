"""Emailed links: one random, single-use, expiring token per purpose and user."""

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UUIDPrimaryKey

LINK_PURPOSES = (
    "invitation",
    "password_reset",
    "email_confirmation",
    "newsletter_unsubscribe",
    "referral_removal",
    "deletion_cancel",
)


class LinkToken(UUIDPrimaryKey, Base):
    """The hash of one emailed link's token, bound to a purpose and a user.

    Only the SHA-256 of the 256-bit token is kept. A token is spent by one
    guarded UPDATE (`used_at IS NULL AND expires_at > now`), so two clicks
    racing cannot both act. Issuing a new token for the same user and purpose
    revokes the older ones ("the previous link dies").
    """

    __tablename__ = "link_tokens"
    __table_args__ = (
        CheckConstraint(
            "purpose IN ('invitation', 'password_reset', 'email_confirmation',"
            " 'newsletter_unsubscribe', 'referral_removal', 'deletion_cancel')",
            name="purpose_known",
        ),
        Index("ix_link_tokens_user_id_purpose", "user_id", "purpose"),
        Index("ix_link_tokens_expires_at", "expires_at"),
    )

    purpose: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE")
    )
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
