"""Support access on request: grants from a company and the sessions opened on them."""

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UUIDPrimaryKey
from models.client import Client
from models.user import User

SUPPORT_SCOPES = ("read", "write")


class SupportGrant(UUIDPrimaryKey, Base):
    """A company admin's consent: support may enter for `scope` until `expires_at`.

    `created_by_id` / `revoked_by_id` are plain ids, like the audit trail's: the
    record of consent outlives the people it names.
    """

    __tablename__ = "support_grants"
    __table_args__ = (
        CheckConstraint("scope IN ('read', 'write')", name="scope_known"),
        Index("ix_support_grants_client_id_created_at", "client_id", "created_at"),
        Index(
            "ix_support_grants_live_expires_at",
            "expires_at",
            postgresql_where=text("revoked_at IS NULL"),
            sqlite_where=text("revoked_at IS NULL"),
        ),
    )

    client_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("clients.id", ondelete="RESTRICT")
    )
    scope: Mapped[str] = mapped_column(String(8))
    reason: Mapped[str] = mapped_column(String(500))
    created_by_id: Mapped[uuid.UUID | None]
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[uuid.UUID | None]

    client: Mapped[Client] = relationship(lazy="joined", innerjoin=True)

    def is_live(self, now: datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now

    def status(self, now: datetime) -> str:
        if self.revoked_at is not None:
            return "revoked"
        return "live" if self.expires_at > now else "expired"


class SupportSession(UUIDPrimaryKey, Base):
    """One support-staff entry into a client's account under a grant.

    Its access token is checked against this row and its grant on every request;
    ending the row (or revoking the grant) stops the token at once.
    """

    __tablename__ = "support_sessions"
    __table_args__ = (
        Index("ix_support_sessions_grant_id", "grant_id"),
        Index("ix_support_sessions_client_id_started_at", "client_id", "started_at"),
    )

    grant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("support_grants.id", ondelete="RESTRICT")
    )
    staff_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT")
    )
    client_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("clients.id", ondelete="RESTRICT")
    )
    started_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    ended_reason: Mapped[str | None] = mapped_column(String(32))
    ip: Mapped[str | None] = mapped_column(String(45))
    # The staff member's credential version when the session was opened.
    staff_credential_version: Mapped[int] = mapped_column(default=1, server_default="1")

    grant: Mapped[SupportGrant] = relationship(lazy="joined", innerjoin=True)
    staff: Mapped[User] = relationship(lazy="joined", innerjoin=True)
