"""Aggregate statistics per client for support staff: counts only, no personal data.

- `active_users`: members and admins with status active.
- `live_devices`: device sessions not revoked, not past their absolute or idle limit.
- `prospects`: the client's prospects (tombstones excluded when the table has a
  `deleted_at`); `None` while the prospects table is not part of the schema.
- `data_bytes`: the bytes of every text and JSON value in the client's rows, over
  every table that has a `client_id` column (see `byte_length`).
- `requests_30d`: API requests on the client's account in the last 30 UTC days,
  from `client_request_counts` (written in batches, so up to one flush behind).
"""

import uuid
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import JSON, ColumnElement, String, Table, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import BigInteger

from models import Base, Client, ClientRequestCount, DeviceSession, User
from opsx_api import db
from opsx_api.clock import utcnow
from opsx_api.pagination import Page, keyset_page

REQUEST_WINDOW_DAYS = 30


class byte_length(FunctionElement[int]):  # noqa: N801 (a SQL function reads lower-case)
    """The UTF-8 byte length of a value as stored, the same on both backends.

    PostgreSQL: `octet_length(CAST(x AS TEXT))` (JSONB renders as text with the
    same separators Python's json uses); SQLite: `length(CAST(x AS BLOB))`.
    """

    type = BigInteger()
    inherit_cache = True


@compiles(byte_length, "postgresql")
def _byte_length_pg(element: byte_length, compiler: SQLCompiler, **kw: Any) -> str:
    return f"octet_length(CAST({compiler.process(element.clauses, **kw)} AS TEXT))"


@compiles(byte_length)
def _byte_length_default(element: byte_length, compiler: SQLCompiler, **kw: Any) -> str:
    return f"length(CAST({compiler.process(element.clauses, **kw)} AS BLOB))"


def client_stats_page(args: dict[str, Any]) -> Page:
    """One keyset page of clients (newest first) with their statistics."""
    page = keyset_page(
        select(Client), (Client.created_at, Client.id), (datetime, uuid.UUID), args
    )
    return Page(client_stats(page.items), page.next_cursor)


def all_client_stats() -> list[dict[str, Any]]:
    """Every client's statistics, newest client first (the CLI's table)."""
    clients = db.session().scalars(
        select(Client).order_by(Client.created_at.desc(), Client.id.desc())
    )
    return client_stats(list(clients))


def client_stats(clients: list[Client]) -> list[dict[str, Any]]:
    """The statistics of `clients`, in their order."""
    ids = [c.id for c in clients]
    if not ids:
        return []
    counts = {
        "active_users": _grouped(_active_users(ids)),
        "live_devices": _grouped(_live_devices(ids)),
        "requests_30d": _grouped(_requests(ids)),
        "data_bytes": _data_bytes(ids),
    }
    prospects = _prospects(ids)
    return [
        {
            "client": {"id": c.id, "name": c.name},
            **{key: values.get(c.id, 0) for key, values in counts.items()},
            "prospects": None if prospects is None else prospects.get(c.id, 0),
        }
        for c in clients
    ]


def _grouped(stmt: db.AnySelect) -> dict[uuid.UUID, int]:
    rows = db.session().execute(stmt)
    return {row[0]: int(row[1] or 0) for row in rows}


def _active_users(ids: list[uuid.UUID]) -> db.AnySelect:
    return (
        select(User.client_id, func.count())
        .where(User.client_id.in_(ids), User.status == "active")
        .group_by(User.client_id)
    )


def _live_devices(ids: list[uuid.UUID]) -> db.AnySelect:
    now = utcnow()
    idle = timedelta(days=current_app.config["SESSION_IDLE_DAYS"])
    return (
        select(DeviceSession.client_id, func.count())
        .where(
            DeviceSession.client_id.in_(ids),
            DeviceSession.revoked_at.is_(None),
            DeviceSession.expires_at > now,
            DeviceSession.last_seen_at > now - idle,
        )
        .group_by(DeviceSession.client_id)
    )


def _requests(ids: list[uuid.UUID]) -> db.AnySelect:
    since = utcnow().date() - timedelta(days=REQUEST_WINDOW_DAYS - 1)
    return (
        select(ClientRequestCount.client_id, func.sum(ClientRequestCount.count))
        .where(ClientRequestCount.client_id.in_(ids), ClientRequestCount.day >= since)
        .group_by(ClientRequestCount.client_id)
    )


def _prospects(ids: list[uuid.UUID]) -> dict[uuid.UUID, int] | None:
    """Counted only once the prospects table is part of the schema (None before)."""
    table = Base.metadata.tables.get("prospects")
    if table is None:
        return None
    stmt = select(table.c.client_id, func.count()).where(table.c.client_id.in_(ids))
    if "deleted_at" in table.c:
        stmt = stmt.where(table.c.deleted_at.is_(None))
    return _grouped(stmt.group_by(table.c.client_id))


def tenant_tables() -> list[Table]:
    """Every table holding rows of one client (it has a `client_id` column)."""
    return [t for t in Base.metadata.sorted_tables if "client_id" in t.c]


def _data_bytes(ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    totals: dict[uuid.UUID, int] = dict.fromkeys(ids, 0)
    for table in tenant_tables():
        size = _row_bytes(table)
        if size is None:
            continue
        stmt = (
            select(table.c.client_id, func.sum(size))
            .where(table.c.client_id.in_(ids))
            .group_by(table.c.client_id)
        )
        for client_id, n in _grouped(stmt).items():
            totals[client_id] += n
    # The client's own row is keyed by `id`, not `client_id`.
    clients = Client.__table__
    size = _row_bytes(clients)
    assert size is not None  # a client has a name
    stmt = select(clients.c.id, size).where(clients.c.id.in_(ids))
    for client_id, n in _grouped(stmt).items():
        totals[client_id] += n
    return totals


def _row_bytes(table: Table) -> ColumnElement[int] | None:
    """The summed byte length of a row's text and JSON values (NULL counts 0)."""
    columns = [c for c in table.c if isinstance(c.type, String | JSON)]
    if not columns:
        return None
    total: ColumnElement[int] = func.coalesce(byte_length(columns[0]), 0)
    for column in columns[1:]:
        total = total + func.coalesce(byte_length(column), 0)
    return total
