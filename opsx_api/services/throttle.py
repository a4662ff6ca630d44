"""Throttling of password guesses per account and per IP, counted in the database.

Rows live in `login_failures`, so the limit holds across processes and machines.
Keys are hashed: no raw email or address is kept for this purpose.

Every attempt is *reserved* before its password is verified: in a short
transaction of its own, the attempt's keys are locked, their recent rows counted
and, below the limit, one row per key inserted and committed. Only then is the
password hashed, with no lock held. A right password then deletes its
reservation (and the account's earlier failures); a wrong one leaves it standing
as the failure it was. So under any concurrency at most the limit of passwords is
verified per key in a window: there is no check-then-insert gap. On PostgreSQL a
transaction-scoped advisory lock per key serialises the count-and-insert (for
microseconds, never during the hash); SQLite has a single writer anyway.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import Row, delete, func, or_, select
from sqlalchemy.orm import Session

from models import LoginFailure
from opsx_api import db, metrics
from opsx_api.clock import utcnow
from opsx_api.errors import Throttled


@dataclass(frozen=True)
class Attempt:
    """A reserved attempt: its rows, and the account key it counts against."""

    row_ids: tuple[int, ...]
    account_key: str


def key(kind: str, value: str) -> str:
    """The stored key of a throttled thing: `kind` is "account", "ip", ..."""
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


def login_limits(email: str, ip: str | None) -> list[tuple[str, int]]:
    """(key, limit) pairs for a password guess against `email` from `ip`."""
    config = current_app.config
    limits = [(key("account", email), config["LOGIN_MAX_FAILURES_ACCOUNT"])]
    if ip:
        limits.append((key("ip", ip), config["LOGIN_MAX_FAILURES_IP"]))
    return limits


def reserve_login(email: str, ip: str | None) -> Attempt:
    """Count a password guess before verifying it; 429 when over a limit."""
    limits = login_limits(email, ip)
    window = timedelta(seconds=current_app.config["LOGIN_WINDOW_SECONDS"])
    ids = reserve(
        limits, window, "Too many failed logins; try again later.", throttle="login"
    )
    return Attempt(ids, limits[0][0])


def reserve(
    limits: list[tuple[str, int]],
    window: timedelta,
    message: str,
    *,
    throttle: str,
) -> tuple[int, ...]:
    """Atomically count one attempt against every (key, limit), or refuse (429).

    Committed at once in a transaction of its own, whatever becomes of the
    request. Returns the ids of the rows counted. `throttle` names it in the
    metrics (the keys are hashed).
    """
    now = utcnow()
    with db.separate_transaction() as session:
        _lock(session, sorted(k for k, _ in limits))
        for throttle_key, limit in limits:
            count, oldest = _recent(session, throttle_key, limit, now - window)
            if count >= limit and oldest is not None:
                metrics.THROTTLED.labels(throttle).inc()
                raise Throttled((oldest + window - now).total_seconds(), message)
        rows = [LoginFailure(key=k, created_at=now) for k, _ in limits]
        session.add_all(rows)
        session.flush()
        return tuple(row.id for row in rows)


def succeeded(attempt: Attempt) -> None:
    """The password was right: forget this attempt and the account's failures.

    Part of the request's transaction: it holds only if the login does.
    """
    db.session().execute(
        delete(LoginFailure).where(
            or_(
                LoginFailure.id.in_(attempt.row_ids),
                LoginFailure.key == attempt.account_key,
            )
        )
    )


def forget(throttle_key: str) -> None:
    """Drop a key's counted attempts (part of the request's transaction)."""
    db.session().execute(delete(LoginFailure).where(LoginFailure.key == throttle_key))


def purge_older_than(cutoff: datetime) -> int:
    return db.changed(delete(LoginFailure).where(LoginFailure.created_at < cutoff))


def _lock(session: Session, keys: list[str]) -> None:
    """Serialise counting per key across processes (sorted: no deadlock)."""
    if session.get_bind().dialect.name != "postgresql":
        return  # SQLite: BEGIN IMMEDIATE already admits one writer at a time
    for throttle_key in keys:
        session.execute(select(func.pg_advisory_xact_lock(int(throttle_key[:15], 16))))


def _recent(
    session: Session, throttle_key: str, limit: int, since: datetime
) -> Row[int, datetime | None]:
    recent = (
        select(LoginFailure.created_at)
        .where(LoginFailure.key == throttle_key, LoginFailure.created_at > since)
        .order_by(LoginFailure.created_at.desc())
        .limit(limit)
        .subquery()
    )
    return session.execute(select(func.count(), func.min(recent.c.created_at))).one()
