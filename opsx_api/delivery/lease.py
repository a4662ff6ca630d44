"""Leases on outbox rows: claim with SKIP LOCKED, hand back, fenced writes.

Every outbox table has `id`, `status`, `attempts`, `next_attempt_at`,
`last_error` and `updated_at`. A claim selects due queued rows (locking only
them, skipping rows another worker holds) and leases them: `next_attempt_at`
moves to now + lease and `attempts` goes up by one, in one short transaction.
The send happens outside any transaction. A worker that dies leaves rows that
become due again when the lease runs out (at-least-once); `attempts` is the
fencing token that stops a late worker from recording over a newer claim.
On SQLite the claim transaction is `BEGIN IMMEDIATE`, which serialises claimers.
"""

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, Row, Select, Table, bindparam, update

from opsx_api.clock import utcnow


class Leased(Protocol):
    """What every claimed job carries: its row id and the claim's attempt number."""

    @property
    def id(self) -> uuid.UUID: ...

    @property
    def attempts(self) -> int: ...


def lock_due(
    conn: Connection, query: Select, table: Table, limit: int, now: datetime
) -> list[Row]:
    """Up to `limit` due queued rows of `query`, locked, others' locks skipped."""
    return list(
        conn.execute(
            query.where(table.c.status == "queued", table.c.next_attempt_at <= now)
            .order_by(table.c.next_attempt_at)
            .limit(limit)
            .with_for_update(skip_locked=True, of=table)
        ).all()
    )


def still_ours(
    conn: Connection, query: Select, table: Table, job: Leased
) -> Row | None:
    """`query`'s row of a claimed job, if it is still queued under that claim.

    None: it was cancelled meanwhile, or claimed again after our lease ran out.
    """
    return conn.execute(
        query.where(
            table.c.id == job.id,
            table.c.status == "queued",
            table.c.attempts == job.attempts,
        )
    ).one_or_none()


def lease(
    conn: Connection,
    table: Table,
    ids: Sequence[uuid.UUID],
    now: datetime,
    seconds: float,
) -> None:
    """Lease claimed rows: due again after `seconds`, one more attempt counted."""
    if ids:
        conn.execute(
            update(table)
            .where(table.c.id.in_(ids))
            .values(
                attempts=table.c.attempts + 1,
                next_attempt_at=now + timedelta(seconds=seconds),
                updated_at=now,
            )
        )


def cancel(
    conn: Connection,
    table: Table,
    ids: Sequence[uuid.UUID],
    reason: str,
    now: datetime,
    **values: Any,
) -> None:
    """Mark queued rows `cancelled` with the reason (and any extra `values`)."""
    close(conn, table, ids, "cancelled", reason, now, **values)


def close(
    conn: Connection,
    table: Table,
    ids: Sequence[uuid.UUID],
    status: str,
    reason: str,
    now: datetime,
    **values: Any,
) -> None:
    """Finish queued rows with `status` (cancelled, failed) and the reason."""
    if ids:
        conn.execute(
            update(table)
            .where(table.c.id.in_(ids), table.c.status == "queued")
            .values(status=status, last_error=reason[:200], updated_at=now, **values)
        )


def guarded(table: Table):
    """UPDATE of one row only while it is queued under the claim `job_attempts`."""
    return update(table).where(
        table.c.id == bindparam("job_id"),
        table.c.status == "queued",
        table.c.attempts == bindparam("job_attempts"),
    )


def set_guarded(
    conn: Connection, table: Table, job: Leased, now: datetime, **values: Any
) -> bool:
    """Write `values` if the row is still ours (queued, same claim); did it?"""
    params = {"job_id": job.id, "job_attempts": job.attempts}
    result = conn.execute(guarded(table).values(updated_at=now, **values), params)
    return bool(result.rowcount)


def release(engine: Engine, table: Table, jobs: Sequence[Leased]) -> int:
    """Hand back claimed jobs that were never sent: due now, attempt not counted."""
    if not jobs:
        return 0
    now = utcnow()
    stmt = guarded(table).values(
        attempts=table.c.attempts - 1, next_attempt_at=now, updated_at=now
    )
    with engine.begin() as conn:
        result = conn.execute(
            stmt, [{"job_id": j.id, "job_attempts": j.attempts} for j in jobs]
        )
    return result.rowcount or 0
