"""A client company: the tenant."""

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UUIDPrimaryKey

DEVICE_POLICIES = ("reject", "replace")


class Client(UUIDPrimaryKey, Base):
    """A client company; every tenant-owned row points at one."""

    __tablename__ = "clients"
    __table_args__ = (
        CheckConstraint(
            "device_policy IN ('reject', 'replace')", name="device_policy_known"
        ),
        # Names are unique ignoring case: people look a client up by its name.
        Index("uq_clients_name_lower", text("lower(name)"), unique=True),
    )

    name: Mapped[str] = mapped_column(String(200))
    device_policy: Mapped[str] = mapped_column(String(16), default="reject")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    def __repr__(self) -> str:
        return f"<Client {self.name!r}>"
