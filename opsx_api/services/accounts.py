"""Accounts by email: invitations, password resets, and passwords set from a link.

Each flow issues a link (`services.links`) and queues its email through the
outbox (`services.emails`) in the caller's transaction, so a rollback takes
both. A link's page and its JSON endpoint call the same function here. These
run inside the caller's unit of work and never commit.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from marshmallow import ValidationError
from sqlalchemy import select

from models import Client, LinkToken, User
from opsx_api import db
from opsx_api.actor import Actor
from opsx_api.auth import passwords
from opsx_api.clock import utcnow
from opsx_api.errors import Conflict, InvalidLinkToken, Throttled
from opsx_api.services import (
    audit,
    credentials,
    emails,
    links,
    sessions,
    throttle,
    users,
)

# The links that set a password: an invitation (invited -> active) or a reset.
PASSWORD_LINKS = ("invitation", "password_reset")


@dataclass(frozen=True)
class LinkSent:
    """What an admin learns when a link is emailed: never the link itself."""

    user_id: uuid.UUID
    sent_to: str
    expires_at: datetime


def create_user(
    *,
    client: Client | None,
    email: str,
    name: str,
    role: str,
    password: str | None = None,
    actor: Actor,
) -> User:
    """A new user: active with `password`, else `invited` and sent an invitation."""
    user = users.create_user(
        client=client, email=email, name=name, role=role, password=password, actor=actor
    )
    if password is None:
        _invite(user, actor)
    return user


def resend_invitation(user: User, *, actor: Actor) -> LinkSent:
    """A fresh invitation; the previous link dies. 409 once a password is set."""
    user = sessions.lock_user(user.id)
    if user.password_hash is not None:
        raise Conflict("This user has already set a password.", code="already_active")
    if user.status != "invited":
        raise _deactivated()
    return _invite(user, actor)


def _deactivated() -> Conflict:
    return Conflict(
        "This user is deactivated; reactivate them first.", code="user_deactivated"
    )


def _invite(user: User, actor: Actor) -> LinkSent:
    user.invited_at = utcnow()
    return email_link(user, "invitation", action="user.invited", actor=actor)


def email_link(
    user: User,
    purpose: str,
    *,
    action: str | None,
    actor: Actor,
    to_address: str | None = None,
) -> LinkSent:
    """Email `user` a new link of `purpose` (its email kind has the same name).

    The user's older links of that purpose die, and so do their emails still
    queued; an audit event `action` (if given) records it, never the link.
    """
    emails.cancel_queued(user.id, (purpose,), "a newer link was sent")
    link = links.issue(user, purpose)
    sent_to = to_address or user.email
    emails.queue_to_user(
        user,
        purpose,
        {"link": link.url, "expires": emails.human_duration(link.ttl)},
        to_address=sent_to,
        send_before=link.expires_at,
    )
    if action:
        audit.record(
            action,
            client_id=user.client_id,
            actor=actor,
            target=user,
            details={"expires_at": link.expires_at.isoformat()},
        )
    return LinkSent(user.id, sent_to, link.expires_at)


def set_password_from_link(raw_token: str, new_password: str) -> User:
    """Set the password from an invitation or reset link; every session ends.

    An invited user becomes active. 400 `invalid_token` for a forged, used,
    expired or other-purpose token; 422 for a weak password, which rolls back
    and so leaves the link usable.
    """
    token, user = spend_link(raw_token, PASSWORD_LINKS)
    invited = token.purpose == "invitation"
    if user.status != ("invited" if invited else "active"):
        raise InvalidLinkToken()
    problems = passwords.password_problems(
        new_password, email=user.email, name=user.name
    )
    if problems:
        raise ValidationError({"new_password": problems})
    if invited:
        user.status = "active"
    reason = "invitation_accepted" if invited else "password_reset"
    ended = credentials.set_password(user, new_password, reason=reason)
    links.revoke(user.id, PASSWORD_LINKS)
    emails.cancel_queued(user.id, PASSWORD_LINKS, "the password was set")
    # Whoever holds the link controls the mailbox: their own failed logins
    # (a forgotten password) no longer keep them out.
    throttle.forget(throttle.key("account", user.email))
    audit.record(
        f"user.{reason}",
        client_id=user.client_id,
        actor=Actor.of(user),
        target=user,
        details={"sessions_revoked": ended.sessions},
    )
    return user


def spend_link(raw_token: str, purposes: tuple[str, ...]) -> tuple[LinkToken, User]:
    """Spend a link's token and lock its user.

    The user is locked before the token row is written, the order every
    credential change and deactivation takes, so the two never deadlock.
    """
    live = links.peek(raw_token, purposes)
    if live is None or live.user_id is None:
        raise InvalidLinkToken()
    user = sessions.lock_user(live.user_id)
    return links.redeem(raw_token, purposes), user


def request_reset(email: str, *, ip: str | None) -> None:
    """Email a reset link (30 min) if `email` is an active user's; else nothing.

    The caller answers the same whatever happens here. Throttled per IP (429,
    about the caller, the same for any address) and per submitted address
    (silently: no email, same answer), so nobody can flood a mailbox.
    """
    if not _reserve_reset(email, ip):
        return
    found = db.session().scalar(select(User.id).where(User.email == email))
    if found is None:
        return
    user = sessions.lock_user(found)
    if user.is_active:
        _send_reset(user, actor=Actor.system())  # nobody we know asked


def send_reset(user: User, *, actor: Actor) -> LinkSent:
    """An admin sends a user a reset link; the admin never sees the link."""
    user = sessions.lock_user(user.id)
    if user.status == "invited":
        raise Conflict(
            "This user has not set a password yet; send the invitation again.",
            code="invitation_pending",
        )
    if not user.is_active:
        raise _deactivated()
    return _send_reset(user, actor)


def _send_reset(user: User, actor: Actor) -> LinkSent:
    return email_link(
        user, "password_reset", action="user.password_reset_sent", actor=actor
    )


def _reserve_reset(email: str, ip: str | None) -> bool:
    """Count a reset request; 429 past the IP's limit, False past the address's."""
    config = current_app.config
    window = timedelta(seconds=config["ACCOUNT_EMAIL_WINDOW_SECONDS"])
    if ip:
        limit = (throttle.key("reset-ip", ip), config["RESET_MAX_PER_IP"])
        throttle.reserve(
            [limit],
            window,
            "Too many reset requests; try again later.",
            throttle="password_reset",
        )
    limit = (throttle.key("reset-address", email), config["RESET_MAX_PER_ADDRESS"])
    try:
        throttle.reserve([limit], window, "", throttle="password_reset_address")
    except Throttled:
        return False
    return True
