"""Credential changes: everything opened before one ends, race-free.

A credential change (a password set, changed or reset, a deactivation, an
admin's revocation of every token) bumps the user's `credential_version` under
the user's row lock and revokes every live session. The version is what makes it
race-free:

- a login verifies the password, remembers the version it saw, re-reads the user
  under the same lock before opening its session, and gives up if it moved;
- every device session and support session stores the version it was opened
  under, and every request compares it with the user's in the one query it
  already runs;

so a session opened before the change is refused on its next request, even one
whose login was in flight at that moment, and reactivation (which never moves
the version back) never revives one.

Callers hold the user's lock (`sessions.lock_user`).
"""

import uuid
from dataclasses import dataclass

from marshmallow import ValidationError
from sqlalchemy import select

from models import User
from opsx_api import db, metrics
from opsx_api.auth import passwords
from opsx_api.auth.identity import Identity
from opsx_api.clock import utcnow
from opsx_api.errors import Forbidden
from opsx_api.services import sessions, support, throttle


@dataclass(frozen=True)
class SessionsEnded:
    """What a credential change ended."""

    sessions: int
    push_tokens: int
    support_sessions: int


def check_password(
    password: str, *, email: str = "", name: str = "", field: str = "password"
) -> None:
    """422 with the reasons, under the body's `field`, when a new password breaks
    the policy."""
    problems = passwords.password_problems(password, email=email, name=name)
    if problems:
        raise ValidationError({field: problems})


def confirm_own_password(identity: Identity, password: str, *, ip: str | None) -> User:
    """The caller's user, locked, once `password` proved to be theirs.

    A wrong one is 403 `invalid_credentials` and counts as a failed login (429
    once throttled): the attempt is reserved before the hash is verified.
    """
    email = db.read_one(select(User.email).where(User.id == identity.user_id), {})[0]
    attempt = throttle.reserve_login(email, ip)
    user = sessions.lock_user(identity.user_id)
    if not passwords.verify_password(user.password_hash, password):
        metrics.FAILED_LOGINS.inc()
        raise Forbidden("The password is wrong.", code="invalid_credentials")
    throttle.succeeded(attempt)
    return user


def end_sessions(
    user: User, reason: str, *, quiet_id: uuid.UUID | None = None
) -> SessionsEnded:
    """Bump the credential version and end every session of `user`.

    Each device is sent a `session_revoked` push so the app signs out, except
    `quiet_id`: the device that asked for the change and is given a new session.
    """
    user.credential_version += 1
    revoked = tokens = 0
    for row in sessions.live_sessions(user.id):
        revoked += 1
        tokens += sessions.revoke(row, reason, signal=row.id != quiet_id)
    ended = support.end_staff_sessions(user.id, reason) if user.role == "support" else 0
    return SessionsEnded(revoked, tokens, ended)


def set_password(
    user: User, password: str, *, reason: str, quiet_id: uuid.UUID | None = None
) -> SessionsEnded:
    """Set a new password (policy checked) and end every session opened before."""
    check_password(password, email=user.email, name=user.name)
    user.password_hash = passwords.hash_password(password)
    user.password_changed_at = user.updated_at = utcnow()
    return end_sessions(user, reason, quiet_id=quiet_id)
