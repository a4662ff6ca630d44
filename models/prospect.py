"""Prospects: a client company's own customers, synced to field users' phones."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    DDL,
    BigInteger,
    CheckConstraint,
    Computed,
    ForeignKey,
    Index,
    String,
    Text,
    event,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, JSONType, UUIDPrimaryKey
from models.search_text import SearchJoinedExpression, SearchTextExpression

PROSPECT_STATUSES = ("new", "contacted", "qualified", "won", "lost")
_LIVE = text("deleted_at IS NULL")


class Prospect(UUIDPrimaryKey, Base):
    """One prospect of a client. Deleting keeps a tombstone for the changes feed.

    `version` counts edits (the ETag); `change_seq` is the client's sync position,
    taken from the client's `SyncCounter` at write time, so the feed never skips
    a row that committed late. `deleted_at` marks a tombstone: gone from lists
    and reads, still in the feed. `erased_at` marks a tombstone whose personal
    data was erased on the person's request.
    """

    __tablename__ = "prospects"
    __table_args__ = (
        CheckConstraint(
            "status IN ('new', 'contacted', 'qualified', 'won', 'lost')",
            name="status_known",
        ),
        CheckConstraint("version >= 1", name="version_positive"),
        Index(
            "uq_prospects_client_id_change_seq", "client_id", "change_seq", unique=True
        ),
        Index(
            "uq_prospects_client_id_external_id",
            "client_id",
            "external_id",
            unique=True,
            postgresql_where=_LIVE,
            sqlite_where=_LIVE,
        ),
        Index(
            "ix_prospects_live_created",
            "client_id",
            "created_at",
            "id",
            postgresql_where=_LIVE,
            sqlite_where=_LIVE,
        ),
        Index(
            "ix_prospects_live_status",
            "client_id",
            "status",
            "created_at",
            "id",
            postgresql_where=_LIVE,
            sqlite_where=_LIVE,
        ),
        Index(
            "ix_prospects_live_assignee",
            "client_id",
            "assigned_to",
            "created_at",
            "id",
            postgresql_where=_LIVE,
            sqlite_where=_LIVE,
        ),
        Index("ix_prospects_deleted_at", "deleted_at"),
        # Trigram search over search_text on PostgreSQL; a plain (unused) b-tree
        # on SQLite, which searches by scanning.
        Index(
            "ix_prospects_search_trgm",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        ),
        # Terms with separators (e-mail addresses, phone numbers) look here.
        Index(
            "ix_prospects_search_joined_trgm",
            "search_joined",
            postgresql_using="gin",
            postgresql_ops={"search_joined": "gin_trgm_ops"},
        ),
    )

    client_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("clients.id", ondelete="RESTRICT")
    )
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    address: Mapped[str | None] = mapped_column(String(500))
    lat: Mapped[float | None]
    lng: Mapped[float | None]
    status: Mapped[str] = mapped_column(String(16), default="new")
    assigned_to: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    # The company's own key for the row (CRM id); the CSV import matches on it.
    external_id: Mapped[str | None] = mapped_column(String(100))
    fields: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    version: Mapped[int] = mapped_column(default=1)
    change_seq: Mapped[int] = mapped_column(BigInteger)
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    deleted_at: Mapped[datetime | None]
    erased_at: Mapped[datetime | None]
    # Name, phone and email folded, and joined, for search (models/search_text.py);
    # written by the database, never loaded with the object.
    search_text: Mapped[str | None] = mapped_column(
        Text, Computed(SearchTextExpression(), persisted=True), deferred=True
    )
    search_joined: Mapped[str | None] = mapped_column(
        Text, Computed(SearchJoinedExpression(), persisted=True), deferred=True
    )

    @property
    def location(self) -> dict[str, float] | None:
        return location_of(self)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def etag(self) -> str:
        """A strong entity tag: the same id and version is the same representation."""
        return etag_of(self)


def location_of(row: Any) -> dict[str, float] | None:
    """`{lat, lng}` of a prospect object or result row, or None."""
    if row.lat is None or row.lng is None:
        return None
    return {"lat": row.lat, "lng": row.lng}


def etag_of(row: Any) -> str:
    """The strong ETag of a prospect object or result row: its id and version.

    A page's rows carry the id as text (opsx_api/services/prospects/listing.py).
    """
    key = row.id.replace("-", "") if row.id.__class__ is str else row.id.hex
    return f'"{key}.{row.version}"'


# The trigram operator class lives in the pg_trgm extension; migrations create it
# too, this covers `create_all` (tests, first runs).
event.listen(
    Prospect.__table__,
    "before_create",
    # SQLAlchemy's DDL constructor carries no annotations.
    DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(  # type: ignore[no-untyped-call]
        dialect="postgresql"
    ),
)


class ProspectNote(UUIDPrimaryKey, Base):
    """An activity note on a prospect (a call, a visit). Erasure deletes them."""

    __tablename__ = "prospect_notes"
    __table_args__ = (
        Index("ix_prospect_notes_prospect_id_created_at", "prospect_id", "created_at"),
    )

    client_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("clients.id", ondelete="RESTRICT")
    )
    prospect_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("prospects.id", ondelete="CASCADE")
    )
    author_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class SyncCounter(Base):
    """A client's last handed-out change sequence number, per synced collection.

    Writers bump it with one `INSERT .. ON CONFLICT DO UPDATE .. RETURNING`, which
    row-locks it until they commit: sequence numbers of one client are therefore
    committed in increasing order, and a feed reader never skips a late commit.
    """

    __tablename__ = "sync_counters"

    client_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("clients.id", ondelete="RESTRICT"), primary_key=True
    )
    scope: Mapped[str] = mapped_column(String(32), primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)


class ProspectFieldKey(Base):
    """A custom field key the client's prospects use: the client's key budget.

    Registered when a prospect first uses a key (`OPSX_FIELDS_MAX_CLIENT_KEYS`
    bounds how many), so the bound is one indexed count, not a scan of every
    prospect's fields. `flask admin purge` forgets keys no live prospect uses.
    """

    __tablename__ = "prospect_field_keys"

    client_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("clients.id", ondelete="RESTRICT"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    created_at: Mapped[datetime]
