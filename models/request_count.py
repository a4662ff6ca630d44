"""Requests per client per day, for the support statistics."""

import uuid
from datetime import date

from sqlalchemy import BigInteger, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class ClientRequestCount(Base):
    """How many API requests were made on a client's account on one UTC day.

    Written in batches by each API process (an in-process counter flushed with
    an upsert), never once per request.
    """

    __tablename__ = "client_request_counts"

    client_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("clients.id", ondelete="RESTRICT"), primary_key=True
    )
    day: Mapped[date] = mapped_column(primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger)
