"""Login, refresh with rotation and reuse detection, logout, push registration.

These run inside the request's unit of work and never commit; a refusal whose
side effects must stand (a reused refresh token revokes its session) says so
with `keep_changes=True`.
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from models import DeviceSession, SpentRefreshToken, User
from opsx_api import db, metrics
from opsx_api.actor import Actor
from opsx_api.auth import passwords
from opsx_api.auth.identity import Identity
from opsx_api.auth.tokens import hash_token, issue_access_token, new_refresh_token
from opsx_api.clock import utcnow
from opsx_api.errors import Conflict, Unauthorized
from opsx_api.services import audit, sessions, throttle
from opsx_api.services.throttle import Attempt


@dataclass
class TokenPair:
    """What a successful login or refresh answers."""

    access_token: str
    refresh_token: str
    expires_in: int
    session: DeviceSession
    user: User
    token_type: str = "Bearer"


def _invalid_credentials() -> Unauthorized:
    metrics.FAILED_LOGINS.inc()
    return Unauthorized("Email or password is wrong.", code="invalid_credentials")


def _invalid_grant(*, keep_changes: bool = False) -> Unauthorized:
    return Unauthorized(
        "The refresh token is not valid.",
        code="invalid_grant",
        keep_changes=keep_changes,
    )


def login(data: dict[str, Any], *, ip: str | None, country: str | None) -> TokenPair:
    """Verify credentials and open the user's one device session.

    Unknown email, wrong password and inactive account answer alike, in alike
    time. The attempt is counted before the password is verified (`throttle`).
    """
    email, password = data["email"], data["password"]
    attempt = throttle.reserve_login(email, ip)
    user = db.session().scalar(select(User).where(User.email == email))
    if user is None or not user.is_active:
        passwords.burn_verification(password)
        raise _invalid_credentials()
    if not passwords.verify_password(user.password_hash, password):
        raise _invalid_credentials()
    try:
        return _open_session(
            user,
            user.credential_version,
            password,
            attempt,
            data["device"],
            ip,
            country,
        )
    except IntegrityError:
        # A concurrent login of the same user won the one-live-session index.
        raise Conflict(
            "Another login for this user happened at the same time.",
            code="device_conflict",
        ) from None


def _open_session(
    user: User,
    verified_version: int,
    password: str,
    attempt: Attempt,
    device: dict[str, Any],
    ip: str | None,
    country: str | None,
) -> TokenPair:
    user = sessions.lock_user(user.id)
    if not user.is_active or user.credential_version != verified_version:
        # The password changed, or the account was deactivated, while this
        # login was in flight: what was verified no longer holds.
        raise _invalid_credentials()
    throttle.succeeded(attempt)
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    for live in sessions.live_sessions(user.id):
        _make_room(user, live, device)
    row, token = sessions.open_session(user, device, ip=ip, country=country)
    audit.record(
        "auth.login",
        client_id=user.client_id,
        actor=Actor.of(user),
        target=row,
        target_type="device_session",
        details={
            "device_id": row.device_id,
            "platform": row.platform,
            "country": country,
        },
    )
    return pair_for(row, token)


def _make_room(user: User, live: DeviceSession, device: dict[str, Any]) -> None:
    """Apply the device policy to the user's current live session."""
    if sessions.is_expired(live):
        sessions.revoke(live, "expired", signal=False)
    elif live.device_id == device["id"]:
        # Logging in again on the same phone replaces that phone's session.
        sessions.revoke(live, "relogin", signal=False)
    elif _device_policy(user) == "reject":
        raise Conflict(
            "This account is signed in on another device.",
            code="device_conflict",
            details={
                "device": {
                    "platform": live.platform,
                    "name": live.device_name,
                    "last_seen_at": live.last_seen_at.isoformat(),
                }
            },
        )
    else:
        sessions.revoke(live, "replaced")


def _device_policy(user: User) -> str:
    # Staff have no client to set a policy; their newest login wins.
    return user.client.device_policy if user.client else "replace"


def refresh(token: str) -> TokenPair:
    """Rotate the refresh token; a replayed old one revokes the whole session."""
    s = db.session()
    digest = hash_token(token)
    current = s.scalar(
        select(DeviceSession)
        .where(DeviceSession.refresh_token_hash == digest)
        .with_for_update(of=DeviceSession)
    )
    if current is not None:
        return _rotate(current, digest)
    previous = s.scalar(
        select(DeviceSession)
        .where(DeviceSession.previous_refresh_token_hash == digest)
        .with_for_update(of=DeviceSession)
    )
    grace = timedelta(seconds=current_app.config["REFRESH_GRACE_SECONDS"])
    if (
        previous is not None
        and previous.refresh_token_hash is not None
        and previous.refresh_rotated_at is not None
        and previous.refresh_rotated_at + grace >= utcnow()
    ):
        # A mobile retry of the request whose answer was lost: allowed briefly.
        return _rotate(previous, previous.refresh_token_hash)
    spent = previous or _spent_session(digest)
    if spent is not None and spent.revoked_at is None:
        sessions.revoke(spent, "refresh_reuse")
        audit.record(
            "auth.refresh_reuse",
            client_id=spent.client_id,
            actor=Actor.system(),
            target=spent,
            target_type="device_session",
        )
        raise _invalid_grant(keep_changes=True)
    raise _invalid_grant()


def _spent_session(digest: str) -> DeviceSession | None:
    spent = db.session().get(SpentRefreshToken, digest)
    return db.session().get(DeviceSession, spent.session_id) if spent else None


def _rotate(row: DeviceSession, old_hash: str) -> TokenPair:
    s = db.session()
    if (
        row.revoked_at is not None
        or not row.user.is_active
        or row.credential_version != row.user.credential_version
    ):
        raise _invalid_grant()
    if sessions.is_expired(row):
        sessions.revoke(row, "expired", signal=False)
        raise _invalid_grant(keep_changes=True)
    now = utcnow()
    token, token_hash = new_refresh_token()
    if s.get(SpentRefreshToken, old_hash) is None:
        s.add(SpentRefreshToken(token_hash=old_hash, session_id=row.id, spent_at=now))
    row.previous_refresh_token_hash = old_hash
    row.refresh_token_hash = token_hash
    row.refresh_rotated_at = now
    row.last_seen_at = now
    return pair_for(row, token)


def pair_for(row: DeviceSession, refresh_token: str) -> TokenPair:
    """The answer for a session just opened or rotated: a new access token too."""
    access, expires_in = issue_access_token(
        subject=row.user_id,
        session_id=row.id,
        client_id=row.client_id,
        role=row.user.role,
        expires_at=row.expires_at,
    )
    return TokenPair(access, refresh_token, expires_in, row, row.user)


def logout(identity: Identity) -> None:
    """End the caller's session and its push registration."""
    row = _locked_session(identity)
    sessions.revoke(row, "logout", signal=False)
    audit.record(
        "auth.logout",
        client_id=row.client_id,
        actor=identity,
        target=row,
        target_type="device_session",
    )


def set_push_token(identity: Identity, token: str | None) -> None:
    """Attach (or detach, with None) the FCM token of the caller's device."""
    row = _locked_session(identity)
    if token:
        sessions.detach_push_token(token, keep_id=row.id)
        db.session().flush()
    row.push_token = token
    row.push_token_updated_at = utcnow() if token else None


def _locked_session(identity: Identity) -> DeviceSession:
    """The caller's own session row, locked (it was live a moment ago)."""
    return db.session().get_one(
        DeviceSession, identity.session_id, with_for_update={"of": DeviceSession}
    )
