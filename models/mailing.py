"""The newsletter's subscribers and the friends people refer: mailing data."""

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UUIDPrimaryKey

SUBSCRIPTION_STATUSES = ("pending", "subscribed")


class NewsletterSubscription(UUIDPrimaryKey, Base):
    """One address on the newsletter list, `pending` until its link is confirmed.

    Unsubscribing deletes the row: nothing is kept about a former subscriber.
    Pending rows whose confirmation link expired are deleted by purge.
    """

    __tablename__ = "newsletter_subscriptions"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'subscribed')", name="status_known"),
        Index("ix_newsletter_subscriptions_user_id", "user_id"),
    )

    email: Mapped[str] = mapped_column(String(254), unique=True)
    # The account of that address, once known (subscribed from /me, or confirmed).
    user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE")
    )
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    confirmed_at: Mapped[datetime | None]


class Referral(UUIDPrimaryKey, Base):
    """A friend a user invited: kept to send one invitation and count conversions.

    The friend's `name` and `email` are erased (NULL) once the referral
    converted (the address became an account or a confirmed subscriber); the
    row is deleted when the friend asks (the invitation's link) or when it has
    not converted within OPSX_REFERRAL_RETENTION_DAYS.
    """

    __tablename__ = "referrals"
    __table_args__ = (
        UniqueConstraint("referrer_id", "email"),
        Index("ix_referrals_email", "email"),
        Index("ix_referrals_created_at", "created_at"),
    )

    referrer_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE")
    )
    name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime]
    converted_at: Mapped[datetime | None]
