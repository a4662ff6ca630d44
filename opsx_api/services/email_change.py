"""Changing one's email: the new address must confirm before it counts.

`PATCH /me {email}` records `pending_email`, emails a confirmation link to the
new address and a notice to the old one. The answer is the same whether the
address is free or taken: a taken address gets a "someone tried to use this
address" notice instead of a link, so nobody learns who has an account. The
link applies the change; the email is the key to password resets, so applying
it is a credential change and ends every session (README, Decisions).

A live confirmation link always belongs to the current `pending_email`: every
new request, a cancellation and a deactivation revoke the earlier one. These run
inside the caller's unit of work and never commit.
"""

import uuid
from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from models import User
from opsx_api import db
from opsx_api.actor import Actor
from opsx_api.auth.identity import Identity
from opsx_api.clock import utcnow
from opsx_api.errors import Conflict, InvalidLinkToken
from opsx_api.services import (
    accounts,
    audit,
    credentials,
    emails,
    links,
    sessions,
    throttle,
    users,
)

CONFIRMATION = ("email_confirmation",)


def update_profile(identity: Identity, data: dict[str, Any]) -> User:
    """PATCH /me: a new name applies at once; a new email waits for its link."""
    new_email = data.get("email")
    if new_email is not None:
        _reserve(identity.user_id, new_email)  # before this transaction writes
    user = sessions.lock_user(identity.user_id)
    if "name" in data:
        users.update_user(user, {"name": data["name"]}, actor=identity)
    if new_email is not None:
        request_change(user, new_email, actor=identity)
    return user


def request_change(user: User, new_email: str, *, actor: Actor) -> None:
    """Ask for `new_email`; asking for the current address cancels a pending one."""
    links.revoke(user.id, CONFIRMATION)
    emails.cancel_queued(user.id, CONFIRMATION, "a newer email change was asked for")
    if new_email == user.email:
        if user.pending_email is not None:
            user.pending_email = user.pending_email_expires_at = None
            _record("user.email_change_cancelled", user, actor)
        return
    owner = db.session().scalar(select(User).where(User.email == new_email))
    if owner is None:
        sent = accounts.email_link(
            user, "email_confirmation", action=None, actor=actor, to_address=new_email
        )
        expires_at = sent.expires_at
    else:
        emails.queue_to_user(owner, "email_taken_notice")
        expires_at = utcnow() + links.TTL["email_confirmation"]
    emails.queue_to_user(user, "email_change_notice", {"new_email": new_email})
    user.pending_email = new_email
    user.pending_email_expires_at = expires_at
    user.updated_at = utcnow()
    # The same event whether the address was free or taken: the company's
    # audit trail must not tell either.
    _record("user.email_change_requested", user, actor)


def confirm(raw_token: str) -> User:
    """Apply the pending email; every session of the user ends.

    400 `invalid_token` for a forged, used or expired link; 409 `email_taken`
    if another account took the address meanwhile (the link stays usable).
    """
    _, user = accounts.spend_link(raw_token, CONFIRMATION)
    new_email = user.pending_email
    if not user.is_active or new_email is None:
        raise InvalidLinkToken()
    if db.session().scalar(select(User.id).where(User.email == new_email)):
        raise _taken()
    user.email = new_email
    user.pending_email = user.pending_email_expires_at = None
    user.updated_at = utcnow()
    try:
        db.session().flush()
    except IntegrityError:  # taken at this very moment; the unit of work rolls back
        raise _taken() from None
    ended = credentials.end_sessions(user, "email_changed")
    # Links sent to the old address (a reset) open nothing any more.
    links.revoke(user.id, links.ACCOUNT_PURPOSES)
    emails.cancel_queued(user.id, links.ACCOUNT_PURPOSES, "the email address changed")
    _record("user.email_changed", user, Actor.of(user), sessions_revoked=ended.sessions)
    return user


def _taken() -> Conflict:
    return Conflict(
        "This address now belongs to another OpsX account.", code="email_taken"
    )


def _record(action: str, user: User, actor: Actor, **details: Any) -> None:
    audit.record(
        action, client_id=user.client_id, actor=actor, target=user, details=details
    )


def _reserve(user_id: uuid.UUID, new_email: str) -> None:
    """Count an email change against the user (429 past the limit).

    Re-sending the current address changes nothing and is not counted.
    """
    current = db.read_one(select(User.email).where(User.id == user_id), {})
    if current is None or current.email == new_email:
        return
    config = current_app.config
    throttle.reserve(
        [
            (
                throttle.key("email-change", str(user_id)),
                config["EMAIL_CHANGE_MAX_PER_USER"],
            )
        ],
        timedelta(seconds=config["ACCOUNT_EMAIL_WINDOW_SECONDS"]),
        "Too many email changes; try again later.",
        throttle="email_change",
    )
