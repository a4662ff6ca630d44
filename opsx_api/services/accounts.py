"""Accounts by email: invitations, and passwords set from an emailed link.

Each flow issues a link (`services.links`) and queues its email through the
outbox (`services.emails`) in the caller's transaction, so a rollback takes
both. A link's page and its JSON endpoint call the same function here. These
run inside the caller's unit of work and never commit.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime

from marshmallow import ValidationError

from models import Client, LinkToken, User
from opsx_api.actor import Actor
from opsx_api.auth import passwords
from opsx_api.clock import utcnow
from opsx_api.errors import Conflict, InvalidLinkToken
from opsx_api.services import audit, credentials, emails, links, sessions, users

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
        raise Conflict(
            "This user is deactivated; reactivate them first.",
            code="user_deactivated",
        )
    return _invite(user, actor)


def _invite(user: User, actor: Actor) -> LinkSent:
    emails.cancel_queued(user.id, ("invitation",), "a newer invitation was sent")
    link = links.issue(user, "invitation")
    emails.queue_to_user(
        user,
        "invitation",
        {"link": link.url, "expires": emails.human_duration(link.ttl)},
        send_before=link.expires_at,
    )
    user.invited_at = utcnow()
    audit.record(
        "user.invited",
        client_id=user.client_id,
        actor=actor,
        target=user,
        details={"expires_at": link.expires_at.isoformat()},
    )
    return LinkSent(user.id, user.email, link.expires_at)


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
