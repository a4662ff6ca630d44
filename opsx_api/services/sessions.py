"""Opening and ending device sessions.

When a session dies, its push registration dies with it.
"""

import uuid
from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select, update

from models import DeviceSession, User
from opsx_api import db
from opsx_api.auth.tokens import new_refresh_token
from opsx_api.clock import utcnow
from opsx_api.services import outbox


def is_expired(row: DeviceSession) -> bool:
    """Past the absolute limit, or unused for longer than the inactivity limit."""
    now = utcnow()
    idle = timedelta(days=current_app.config["SESSION_IDLE_DAYS"])
    return row.expires_at <= now or row.last_seen_at + idle <= now


def revoke(row: DeviceSession, reason: str, *, signal: bool = True) -> bool:
    """Revoke one session; True when it held a push token (now removed).

    With `signal`, a `session_revoked` data push is queued to the device's token
    before the token is forgotten, so the app can sign out and wipe its copy.
    """
    if row.revoked_at is not None:
        return False
    if signal:
        outbox.signal_session_revoked(row, reason)
    had_token = row.push_token is not None
    row.revoked_at = utcnow()
    row.revoked_reason = reason
    row.push_token = None
    row.refresh_token_hash = None
    row.previous_refresh_token_hash = None
    return had_token


def live_sessions(user_id: uuid.UUID, *, lock: bool = True) -> list[DeviceSession]:
    stmt = select(DeviceSession).where(
        DeviceSession.user_id == user_id, DeviceSession.revoked_at.is_(None)
    )
    if lock:
        stmt = stmt.with_for_update(of=DeviceSession)
    return list(db.session().scalars(stmt))


def open_session(
    user: User, device: dict[str, Any], *, ip: str | None, country: str | None
) -> tuple[DeviceSession, str]:
    """A new live session for `user` on `device`, and its refresh token.

    The caller holds the user's lock and has made room (one live session per
    user). The push token moves here from any other live session.
    """
    s = db.session()
    s.flush()
    if device.get("push_token"):
        detach_push_token(device["push_token"])
    now = utcnow()
    token, token_hash = new_refresh_token()
    row = DeviceSession(
        id=uuid.uuid4(),
        user_id=user.id,
        client_id=user.client_id,
        device_id=device["id"],
        platform=device["platform"],
        device_name=device.get("name"),
        push_token=device.get("push_token"),
        push_token_updated_at=now if device.get("push_token") else None,
        refresh_token_hash=token_hash,
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(days=current_app.config["SESSION_MAX_DAYS"]),
        login_ip=ip,
        login_country=country,
        credential_version=user.credential_version,
    )
    s.add(row)
    s.flush()
    return row, token


def detach_push_token(token: str, *, keep_id: uuid.UUID | None = None) -> int:
    """The token moves: no other live session keeps it (phone changed hands)."""
    stmt = (
        update(DeviceSession)
        .where(DeviceSession.push_token == token, DeviceSession.revoked_at.is_(None))
        .values(push_token=None, push_token_updated_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )
    if keep_id is not None:
        stmt = stmt.where(DeviceSession.id != keep_id)
    return db.changed(stmt)


def lock_user(user_id: uuid.UUID) -> User:
    """The user, locked and freshly read: changes to one user's sessions serialise.

    `populate_existing` matters: an object already in the session (loaded before
    the lock) is refreshed from the locked row, so what is checked after the lock
    is what is committed, not what was read before another transaction changed it.
    """
    return (
        db.session()
        .scalars(
            select(User)
            .where(User.id == user_id)
            .with_for_update(of=User)
            .execution_options(populate_existing=True)
        )
        .one()
    )
