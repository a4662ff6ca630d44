"""Users: creation, profile changes, passwords, deactivation and reactivation.

There is one way to deactivate a user: `deactivate`, used by the company admin's
API and by `flask admin deactivate-user` alike.
"""

import uuid
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from models import Client, DeviceSession, User
from opsx_api import db
from opsx_api.actor import Actor
from opsx_api.auth import passwords
from opsx_api.auth.identity import Identity
from opsx_api.clock import utcnow
from opsx_api.errors import Conflict
from opsx_api.pagination import Page, keyset_page
from opsx_api.search import contains
from opsx_api.services import (
    audit,
    credentials,
    emails,
    links,
    outbox,
    sessions,
)
from opsx_api.services.auth import TokenPair, pair_for
from opsx_api.tenancy import of_client


@dataclass
class DeactivationReceipt:
    """What a deactivation revoked."""

    user_id: uuid.UUID
    sessions_revoked: int
    push_tokens_removed: int
    pushes_cancelled: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class TokensRevoked:
    """What `revoke_tokens` revoked."""

    user_id: uuid.UUID
    sessions_revoked: int
    push_tokens_removed: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def create_user(
    *,
    client: Client | None,
    email: str,
    name: str,
    role: str,
    password: str | None,
    actor: Actor,
) -> User:
    """A new user, active with `password`, else `invited` (and not yet invited:
    `accounts.create_user` sends the invitation); 409 `email_taken` when the
    address is in use.
    """
    if password is not None:
        credentials.check_password(password, email=email, name=name)
    now = utcnow()
    user = User(
        id=uuid.uuid4(),
        client_id=client.id if client else None,
        email=email,
        name=name,
        role=role,
        status="invited" if password is None else "active",
        password_hash=passwords.hash_password(password) if password else None,
        created_at=now,
        updated_at=now,
    )
    db.session().add(user)
    _flush_unique_email()
    audit.record(
        "user.created",
        client_id=user.client_id,
        actor=actor,
        target=user,
        details={"role": role, "status": user.status},
    )
    return user


def update_user(user: User, changes: dict[str, Any], *, actor: Actor) -> User:
    """Apply profile changes (name, email, role) that a schema already vetted."""
    changed = sorted(k for k, v in changes.items() if getattr(user, k) != v)
    for key in changed:
        setattr(user, key, changes[key])
    if changed:
        user.updated_at = utcnow()
        _flush_unique_email()
        audit.record(
            "user.updated",
            client_id=user.client_id,
            actor=actor,
            target=user,
            details={"fields": changed},
        )
    return user


def _flush_unique_email() -> None:
    try:
        db.session().flush()
    except IntegrityError:
        raise Conflict(
            "This email address is already in use.", code="email_taken"
        ) from None


def change_password(
    identity: Identity,
    current: str,
    new: str,
    *,
    ip: str | None,
    country: str | None,
) -> TokenPair:
    """Change the caller's password: every earlier token dies, this device's too.

    This device is given a new session (a fresh pair); a copy of any earlier
    access or refresh token stops working. A wrong current password counts as a
    failed login (429 once throttled), and is 403 `invalid_credentials`.
    """
    email, name = db.read_one(
        select(User.email, User.name).where(User.id == identity.user_id), {}
    )
    credentials.check_password(new, email=email, name=name, field="new_password")
    user = credentials.confirm_own_password(identity, current, ip=ip)
    device = identity.session
    ended = credentials.set_password(
        user, new, reason="password_changed", quiet_id=device.id
    )
    row, token = sessions.open_session(
        user,
        {
            "id": device.device_id,
            "platform": device.platform,
            "name": device.device_name,
            "push_token": device.push_token,
        },
        ip=ip,
        country=country,
    )
    audit.record(
        "user.password_changed",
        client_id=user.client_id,
        actor=identity,
        target=user,
        details={"sessions_revoked": ended.sessions, "new_session_id": str(row.id)},
    )
    return pair_for(row, token)


def deactivate(
    user: User, *, actor: Actor, reason: str | None = None
) -> DeactivationReceipt:
    """Cut a user off at once, in one transaction, and say what was revoked.

    Status `deactivated`, every session revoked and its push token detached, queued
    pushes cancelled, a `session_revoked` push queued to the device, an audit
    event. Repeating it is harmless: the receipt then counts nothing.
    """
    user = sessions.lock_user(user.id)
    first_time = user.status != "deactivated"
    user.status = "deactivated"
    cancelled = outbox.cancel_queued_for_user(user.id)
    if first_time:
        user.deactivated_at = user.updated_at = utcnow()
    # Its emailed links die with it: an invitation, a reset, an email change.
    links.revoke(user.id, links.ACCOUNT_PURPOSES)
    emails.cancel_queued(user.id, links.ACCOUNT_PURPOSES, "the user was deactivated")
    user.pending_email = user.pending_email_expires_at = None
    ended = credentials.end_sessions(user, "deactivated")
    receipt = DeactivationReceipt(user.id, ended.sessions, ended.push_tokens, cancelled)
    if first_time or ended.sessions or cancelled:
        audit.record(
            "user.deactivated",
            client_id=user.client_id,
            actor=actor,
            target=user,
            details={"reason": reason, **receipt.as_dict(), "user_id": str(user.id)},
        )
    return receipt


def revoke_tokens(user: User, *, actor: Actor) -> TokensRevoked:
    """Revoke every session without deactivating (the user may log in again).

    A credential change like any other: a login in flight at this moment does
    not survive it either.
    """
    user = sessions.lock_user(user.id)
    ended = credentials.end_sessions(user, "revoked_by_admin")
    audit.record(
        "user.tokens_revoked",
        client_id=user.client_id,
        actor=actor,
        target=user,
        details={
            "sessions_revoked": ended.sessions,
            "push_tokens_removed": ended.push_tokens,
        },
    )
    return TokensRevoked(user.id, ended.sessions, ended.push_tokens)


def reactivate(user: User, *, actor: Actor) -> User:
    """Let a user log in again; sessions do not come back. Cancels a self-deletion.

    A user who never set a password goes back to `invited`; their old link died
    at the deactivation, so the admin sends a new invitation.
    """
    user = sessions.lock_user(user.id)
    if user.erased_at is not None:
        raise Conflict(
            "This account was deleted at the person's request.", code="account_erased"
        )
    was = user.status
    links.revoke(user.id, ("deletion_cancel",))  # a later deletion needs a new one
    user.status = "active" if user.password_hash else "invited"
    user.deactivated_at = None
    user.erase_after = None
    user.updated_at = utcnow()
    audit.record(
        "user.reactivated",
        client_id=user.client_id,
        actor=actor,
        target=user,
        details={"previous_status": was},
    )
    return user


def release_session(row: DeviceSession, *, actor: Actor) -> None:
    """An admin releases a device: its session and push registration end."""
    sessions.lock_user(row.user_id)
    sessions.revoke(row, "released_by_admin")
    audit.record(
        "session.released",
        client_id=row.client_id,
        actor=actor,
        target=row,
        target_type="device_session",
        details={"user_id": str(row.user_id)},
    )


def list_users(client_id: uuid.UUID, args: dict[str, Any]) -> Page:
    """A page of a client's users, newest first, filtered by `q` and `status`."""
    stmt = of_client(User, client_id)
    if args.get("q"):
        q = args["q"]
        stmt = stmt.where(or_(contains(User.name, q), contains(User.email, q)))
    if args.get("status"):
        stmt = stmt.where(User.status == args["status"])
    return keyset_page(stmt, (User.created_at, User.id), (datetime, uuid.UUID), args)


def user_sessions(user: User, limit: int = 20) -> Page:
    """The user's live and most recent device sessions."""
    rows = db.session().scalars(
        select(DeviceSession)
        .where(DeviceSession.user_id == user.id)
        .order_by(DeviceSession.created_at.desc())
        .limit(limit)
    )
    return Page(list(rows), None)
