"""The audit trail: who did what, to what, from where."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, JSONType, UUIDPrimaryKey


class AuditEvent(UUIDPrimaryKey, Base):
    """One audited action. Read-only once written; purged after the retention period.

    `actor_id` and `target_id` are plain ids, not foreign keys: the trail outlives
    the rows it speaks of, and erasing a person never rewrites history.
    """

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_client_id_created_at", "client_id", "created_at"),
        Index("ix_audit_events_created_at", "created_at"),
        Index("ix_audit_events_target_id", "target_id"),
    )

    client_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("clients.id", ondelete="RESTRICT")
    )
    actor_id: Mapped[uuid.UUID | None]
    actor_role: Mapped[str | None] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(64))
    target_type: Mapped[str | None] = mapped_column(String(32))
    target_id: Mapped[str | None] = mapped_column(String(64))
    ip: Mapped[str | None] = mapped_column(String(45))
    details: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime]
