"""Ending device sessions. When a session dies, its push registration dies with it."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from models import DeviceSession, User
from opsx_api import db
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


def live_sessions(user_id, *, lock: bool = True) -> list[DeviceSession]:
    stmt = select(DeviceSession).where(
        DeviceSession.user_id == user_id, DeviceSession.revoked_at.is_(None)
    )
    if lock:
        stmt = stmt.with_for_update(of=DeviceSession)
    return list(db.session().scalars(stmt))


def revoke_all(user: User, reason: str, *, keep_id=None) -> tuple[int, int]:
    """Revoke every live session of a user (but `keep_id`): (sessions, push tokens)."""
    sessions = tokens = 0
    for row in live_sessions(user.id):
        if row.id == keep_id:
            continue
        sessions += 1
        tokens += revoke(row, reason)
    db.session().flush()
    return sessions, tokens


def detach_push_token(token: str, *, keep_id=None) -> int:
    """The token moves: no other live session keeps it (phone changed hands)."""
    stmt = (
        update(DeviceSession)
        .where(DeviceSession.push_token == token, DeviceSession.revoked_at.is_(None))
        .values(push_token=None, push_token_updated_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )
    if keep_id is not None:
        stmt = stmt.where(DeviceSession.id != keep_id)
    return db.session().execute(stmt).rowcount or 0


def lock_user(user_id) -> User:
    """Serialise changes to one user's sessions (row lock on PostgreSQL)."""
    return (
        db.session()
        .scalars(select(User).where(User.id == user_id).with_for_update(of=User))
        .one()
    )
