"""Failed login attempts, counted in the database so throttling spans processes."""

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class LoginFailure(Base):
    """One failed attempt against a throttle key (a hashed account or IP)."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_key_created_at", "key", "created_at"),)

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True
    )
    # sha256 of "account:<email>" or "ip:<address>": no raw address or email kept.
    key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
