"""Device sessions: one phone, one user, its refresh-token state and push token."""

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UUIDPrimaryKey
from models.user import User

PLATFORMS = ("android", "ios", "web")
LIVE = text("revoked_at IS NULL")


class DeviceSession(UUIDPrimaryKey, Base):
    """The unit created at login and destroyed at logout, replacement or revocation.

    The partial unique indexes are the guarantees of the design: at most one live
    session per user, and one push token belongs to at most one live session.
    """

    __tablename__ = "device_sessions"
    __table_args__ = (
        CheckConstraint("platform IN ('android', 'ios', 'web')", name="platform_known"),
        Index(
            "uq_device_sessions_live_user",
            "user_id",
            unique=True,
            postgresql_where=LIVE,
            sqlite_where=LIVE,
        ),
        Index(
            "uq_device_sessions_live_push_token",
            "push_token",
            unique=True,
            postgresql_where=text("revoked_at IS NULL AND push_token IS NOT NULL"),
            sqlite_where=text("revoked_at IS NULL AND push_token IS NOT NULL"),
        ),
        Index("ix_device_sessions_user_id_created_at", "user_id", "created_at"),
        Index("ix_device_sessions_client_id", "client_id"),
        Index("ix_device_sessions_push_token_updated_at", "push_token_updated_at"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE")
    )
    client_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("clients.id", ondelete="RESTRICT")
    )
    device_id: Mapped[str] = mapped_column(String(128))
    platform: Mapped[str] = mapped_column(String(16))
    device_name: Mapped[str | None] = mapped_column(String(200))
    push_token: Mapped[str | None] = mapped_column(String(1024))
    push_token_updated_at: Mapped[datetime | None]
    refresh_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    previous_refresh_token_hash: Mapped[str | None] = mapped_column(
        String(64), index=True
    )
    refresh_rotated_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(String(32))
    login_ip: Mapped[str | None] = mapped_column(String(45))
    # The user's credential version when the password was verified for this login.
    credential_version: Mapped[int] = mapped_column(default=1, server_default="1")
    login_country: Mapped[str | None] = mapped_column(String(2))

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None


class SpentRefreshToken(Base):
    """A refresh token that was rotated out; presenting it again is reuse."""

    __tablename__ = "spent_refresh_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    session_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("device_sessions.id", ondelete="CASCADE"), index=True
    )
    spent_at: Mapped[datetime]
