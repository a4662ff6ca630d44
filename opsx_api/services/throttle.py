"""Failed-login throttling per account and per IP, counted in the database.

Rows live in `login_failures`, so the limit holds across processes and machines.
Keys are hashed: no raw email or address is kept for this purpose.
"""

import hashlib
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from models import LoginFailure
from opsx_api import db
from opsx_api.clock import utcnow
from opsx_api.errors import Throttled


def _key(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


def _limits(email: str, ip: str | None) -> list[tuple[str, int]]:
    config = current_app.config
    limits = [(_key("account", email), config["LOGIN_MAX_FAILURES_ACCOUNT"])]
    if ip:
        limits.append((_key("ip", ip), config["LOGIN_MAX_FAILURES_IP"]))
    return limits


def check(email: str, ip: str | None) -> None:
    """429 with Retry-After when the account or the IP has failed too often."""
    window = timedelta(seconds=current_app.config["LOGIN_WINDOW_SECONDS"])
    now = utcnow()
    for key, limit in _limits(email, ip):
        recent = (
            select(LoginFailure.created_at)
            .where(LoginFailure.key == key, LoginFailure.created_at > now - window)
            .order_by(LoginFailure.created_at.desc())
            .limit(limit)
            .subquery()
        )
        count, oldest = (
            db.session()
            .execute(select(func.count(), func.min(recent.c.created_at)))
            .one()
        )
        if count >= limit:
            retry_after = (oldest + window - now).total_seconds()
            raise Throttled(retry_after, "Too many failed logins; try again later.")


def record_failure(email: str, ip: str | None) -> None:
    now = utcnow()
    for key, _limit in _limits(email, ip):
        db.session().add(LoginFailure(key=key, created_at=now))


def clear_account(email: str) -> None:
    """A successful login forgets the account's failures (not the IP's)."""
    db.session().execute(
        delete(LoginFailure).where(LoginFailure.key == _key("account", email))
    )


def purge_older_than(cutoff) -> int:
    result = db.session().execute(
        delete(LoginFailure).where(LoginFailure.created_at < cutoff)
    )
    return result.rowcount or 0
