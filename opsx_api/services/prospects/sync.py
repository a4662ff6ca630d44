"""The changes feed: per-client sequence numbers, assigned at write time.

Why a counter row and not timestamps or a global sequence: a transaction that
takes a timestamp (or a sequence value) and commits after a later one would be
skipped by a reader whose cursor already passed it. Each client's counter row
is bumped with one `INSERT .. ON CONFLICT DO UPDATE .. RETURNING`, which holds
its row lock until the writer commits; the next writer of that client waits,
so a client's sequence numbers become visible in increasing order and
`change_seq > cursor` never misses a row. Writers lock the prospect rows they
change first and the counter last, then commit at once, so the wait is short
and there is no lock-order deadlock. Clients never wait for each other.
"""

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.sql.dml import ReturningInsert

from models import Prospect, SyncCounter
from opsx_api import db
from opsx_api.errors import BadRequest
from opsx_api.pagination import decode_cursor, encode_cursor

SCOPE = "prospects"


@dataclass
class ChangesPage:
    changes: list[dict[str, Any]]
    next_cursor: str
    has_more: bool


def allocate(client_id: uuid.UUID, count: int = 1) -> int:
    """Reserve `count` consecutive sequence numbers of a client; the first one.

    Locks the client's counter row until the transaction ends: call it after
    the rows being changed are locked, just before committing.
    """
    dialect = db.session().get_bind().dialect.name
    (last,) = db.session().execute(bump_statement(client_id, count, dialect)).one()
    return last - count + 1


def bump_statement(
    client_id: uuid.UUID, count: int, dialect: str
) -> ReturningInsert[int]:
    """`last_seq += count` for the client (creating the row), returning the new value.

    Public for bulk loaders (bench seeding) that write through Core.
    """
    table = SyncCounter.__table__
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    return (
        insert(table)
        .values(client_id=client_id, scope=SCOPE, last_seq=count)
        .on_conflict_do_update(
            index_elements=[table.c.client_id, table.c.scope],
            set_={"last_seq": table.c.last_seq + count},
        )
        .returning(table.c.last_seq)
    )


def changes(client_id: uuid.UUID, since: str | None, limit: int) -> ChangesPage:
    """What changed after `since`, oldest first: upserts and delete tombstones.

    Without `since` (a first sync) tombstones are left out: a phone with no
    copy has nothing to delete. The cursor still moves past them.
    """
    after = _seq(since)
    stmt = (
        select(Prospect)
        .where(Prospect.client_id == client_id, Prospect.change_seq > after)
        .order_by(Prospect.change_seq)
        .limit(limit + 1)
    )
    rows = list(db.session().scalars(stmt))
    has_more = len(rows) > limit
    rows = rows[:limit]
    cursor = encode_cursor((rows[-1].change_seq if rows else after,))
    first_sync = not since
    items = [_change(row) for row in rows if not (first_sync and row.is_deleted)]
    return ChangesPage(items, cursor, has_more)


def _change(row: Prospect) -> dict[str, Any]:
    if row.is_deleted:
        return {"op": "delete", "id": row.id}
    return {"op": "upsert", "prospect": row}


def _seq(since: str | None) -> int:
    if not since:
        return 0
    (seq,) = decode_cursor(since, (int,))
    if not isinstance(seq, int) or seq < 0:
        raise BadRequest("The cursor is malformed.", code="invalid_cursor")
    return seq
