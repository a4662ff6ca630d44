"""People who log in: field users, company admins, support staff and operators."""

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UUIDPrimaryKey
from models.client import Client

TENANT_ROLES = ("member", "admin")
STAFF_ROLES = ("support", "operator")
ROLES = TENANT_ROLES + STAFF_ROLES
# `invited`: created without a password; becomes `active` when the person sets
# one from the emailed link. Only `active` users may log in.
USER_STATUSES = ("invited", "active", "deactivated")


class User(UUIDPrimaryKey, Base):
    """A login. Tenant roles belong to a client; staff roles belong to none."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(
            "role IN ('member', 'admin', 'support', 'operator')", name="role_known"
        ),
        CheckConstraint(
            "status IN ('invited', 'active', 'deactivated')", name="status_known"
        ),
        CheckConstraint(
            "status <> 'active' OR password_hash IS NOT NULL",
            name="active_has_password",
        ),
        CheckConstraint(
            "(role IN ('member', 'admin')) = (client_id IS NOT NULL)",
            name="tenant_roles_have_client",
        ),
        Index("ix_users_client_id_created_at", "client_id", "created_at"),
    )

    client_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("clients.id", ondelete="RESTRICT")
    )
    # Login is by email alone, so an address is unique across the whole platform.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="active")
    # None until an invited user sets a password (an active user always has one).
    password_hash: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    password_changed_at: Mapped[datetime | None]
    # Bumped by every credential change (password set or reset, deactivation):
    # a session or support session opened under an older version is dead.
    credential_version: Mapped[int] = mapped_column(default=1, server_default="1")
    deactivated_at: Mapped[datetime | None]
    # Self-service deletion: personal data is erased after this moment by `purge`.
    erase_after: Mapped[datetime | None]
    # When `purge` erased the person: the row stays, anonymised, for the ids
    # that point at it (audit events, prospects they created).
    erased_at: Mapped[datetime | None]
    # When the latest invitation was sent (its link lives 72 hours).
    invited_at: Mapped[datetime | None]
    # A new address the user asked for (PATCH /me), waiting for the link sent to
    # it until `pending_email_expires_at`. Not unique: it is nobody's yet.
    pending_email: Mapped[str | None] = mapped_column(String(254))
    pending_email_expires_at: Mapped[datetime | None]

    client: Mapped[Client | None] = relationship(lazy="joined")

    @property
    def is_active(self) -> bool:
        return self.status == "active"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"
