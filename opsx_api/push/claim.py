"""Claiming due pushes: `FOR UPDATE SKIP LOCKED`, a lease, and the send-time gate.

One short transaction selects due queued rows (`delivery/lease.py`: locking only
them, skipping rows another worker holds), cancels those that must no longer go
out, and leases the rest. A worker that dies leaves rows that become due again
when the lease runs out, so nothing is lost (at-least-once); `attempts` is the
fencing token that stops a late worker from recording over a newer claim.
"""

import time
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, Row, select

from models import DeviceSession, Notification, PushDelivery, User
from opsx_api.clock import utcnow
from opsx_api.delivery import lease

deliveries = PushDelivery.__table__
notifications = Notification.__table__
sessions = DeviceSession.__table__
users = User.__table__

# This kind goes to the token it was queued for, by design: the device must learn
# that its session ended, even though the session (and the user) are gone.
SIGNAL_KINDS = frozenset({"session_revoked"})


@dataclass(frozen=True)
class Job:
    """A claimed push: everything needed to send it and to record the outcome."""

    id: uuid.UUID
    attempts: int  # after this claim; the fencing token of the lease
    token: str
    collapse_key: str | None
    notification_id: uuid.UUID
    kind: str
    title: str | None
    body: str | None
    data: dict[str, Any]
    in_inbox: bool
    claimed_at: float  # time.monotonic() of the claim


_GATED = select(
    deliveries.c.id,
    deliveries.c.attempts,
    deliveries.c.token,
    deliveries.c.collapse_key,
    deliveries.c.session_id,
    deliveries.c.notification_id,
    notifications.c.kind,
    notifications.c.title,
    notifications.c.body,
    notifications.c.data,
    notifications.c.in_inbox,
    users.c.status.label("user_status"),
    sessions.c.revoked_at.label("session_revoked_at"),
    sessions.c.push_token.label("session_token"),
    sessions.c.expires_at.label("session_expires_at"),
    sessions.c.last_seen_at.label("session_last_seen_at"),
).select_from(
    deliveries.join(notifications, notifications.c.id == deliveries.c.notification_id)
    .join(users, users.c.id == deliveries.c.user_id)
    .outerjoin(sessions, sessions.c.id == deliveries.c.session_id)
)


def claim_due(
    engine: Engine,
    limit: int,
    *,
    lease_seconds: float,
    idle_days: int,
    max_attempts: int = 10,
) -> list[Job]:
    """Claim up to `limit` due pushes in one short transaction; cancel stale ones.

    A push already claimed `max_attempts` times is `failed` here instead: its
    last outcomes were never recorded (the worker died, or the write failed),
    and without this it would be sent again at every lease expiry, forever.
    """
    now = utcnow()
    with engine.begin() as conn:
        rows = lease.lock_due(conn, _GATED, deliveries, limit, now)
        if not rows:
            return []
        spent = [r.id for r in rows if r.attempts >= max_attempts]
        if spent:
            reason = f"gave up after {max_attempts} attempts; no outcome recorded"
            lease.close(conn, deliveries, spent, "failed", reason, now)
            rows = [r for r in rows if r.attempts < max_attempts]
        signals = {r.token for r in rows if r.kind in SIGNAL_KINDS}
        holders = _token_holders(conn, signals)
        refused: dict[str, list[uuid.UUID]] = defaultdict(list)
        jobs = []
        for row in rows:
            refusal = gate(row, now, idle_days, holders)
            if refusal:
                refused[refusal].append(row.id)
            else:
                jobs.append(_job(row))
        for reason, ids in refused.items():
            lease.cancel(conn, deliveries, ids, reason, now)
        lease.lease(conn, deliveries, [j.id for j in jobs], now, lease_seconds)
    return jobs


def recheck(engine: Engine, job: Job, *, idle_days: int) -> bool:
    """Re-run the gate for a job that waited after its claim; False: cancelled.

    Claims are checked when made; a job that sat in the pool (FCM slow) is checked
    again right before its send, so a deactivation meanwhile still wins.
    """
    now = utcnow()
    with engine.begin() as conn:
        row = lease.still_ours(conn, _GATED, deliveries, job)
        if row is None:
            return False
        signal = row.kind in SIGNAL_KINDS
        holders = _token_holders(conn, {row.token}) if signal else {}
        reason = gate(row, now, idle_days, holders)
        if reason:
            lease.cancel(conn, deliveries, [row.id], reason, now)
    return reason is None


def gate(
    row: Row, now: datetime, idle_days: int, holders: dict[str, uuid.UUID]
) -> str | None:
    """Why this push must not go out now, or None to send it.

    A push follows its session, not its user: it goes only while that session is
    live and still holds the very token it was queued for. So a deactivated user,
    a released or replaced device, and a phone that changed hands get nothing.
    """
    if row.kind in SIGNAL_KINDS:
        holder = holders.get(row.token)
        if holder is not None and holder != row.session_id:
            return "token now belongs to another session"
        return None
    if row.user_status != "active":
        return "user is not active"
    if row.session_id is None or row.session_revoked_at is not None:
        return "session ended"
    if row.session_token != row.token:
        return "session no longer holds this token"
    idle = timedelta(days=idle_days)
    if row.session_expires_at <= now or row.session_last_seen_at + idle <= now:
        return "session expired"
    return None


def _token_holders(conn: Connection, tokens: set[str]) -> dict[str, uuid.UUID]:
    """The live session holding each token, if any."""
    if not tokens:
        return {}
    found = conn.execute(
        select(sessions.c.push_token, sessions.c.id).where(
            sessions.c.push_token.in_(tokens), sessions.c.revoked_at.is_(None)
        )
    )
    return dict(found.all())


def _job(row: Row) -> Job:
    return Job(
        id=row.id,
        attempts=row.attempts + 1,
        token=row.token,
        collapse_key=row.collapse_key,
        notification_id=row.notification_id,
        kind=row.kind,
        title=row.title,
        body=row.body,
        data=row.data or {},
        in_inbox=row.in_inbox,
        claimed_at=time.monotonic(),
    )


def release(engine: Engine, jobs: list[Job]) -> int:
    """Hand back claimed pushes that were never sent: due now, attempt not counted."""
    return lease.release(engine, deliveries, jobs)
