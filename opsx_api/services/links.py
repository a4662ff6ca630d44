"""Emailed links: one random, single-use, expiring token per purpose and user.

The raw token (256 bits, URL-safe) exists only in the email and the link; the
database keeps its SHA-256. A token is spent by one guarded UPDATE, so two
clicks racing cannot both act, and a spent token dies with the caller's
rollback if the action fails. Services here never commit.
"""

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, delete, func, select, update

from models import LinkToken, User
from opsx_api import db
from opsx_api.auth.tokens import hash_token
from opsx_api.clock import utcnow
from opsx_api.errors import InvalidLinkToken

# How long each link works (API.md): invitation 72 h, reset 30 min, email 24 h.
TTL = {
    "invitation": timedelta(hours=72),
    "password_reset": timedelta(minutes=30),
    "email_confirmation": timedelta(hours=24),
}
# The links that act on a user's account; a credential change or a deactivation
# kills them all.
ACCOUNT_PURPOSES = ("invitation", "password_reset", "email_confirmation")
_MAX_TOKEN_CHARS = 128  # a real one has 43; anything longer is not worth hashing


@dataclass(frozen=True)
class IssuedLink:
    """A fresh link: its raw token (for the email only) and its URL."""

    token: str
    url: str
    expires_at: datetime
    ttl: timedelta


def link_path(purpose: str) -> str:
    """The page a link of `purpose` opens, under OPSX_PUBLIC_URL."""
    return f"/links/{purpose.replace('_', '-')}"


def issue(user: User, purpose: str, *, ttl: timedelta | None = None) -> IssuedLink:
    """A new link for `user` and `purpose`; the user's earlier ones of it die."""
    ttl = ttl or TTL[purpose]
    revoke(user.id, (purpose,))
    raw = secrets.token_urlsafe(32)
    now = utcnow()
    db.session().add(
        LinkToken(
            id=uuid.uuid4(),
            purpose=purpose,
            token_hash=hash_token(raw),
            user_id=user.id,
            created_at=now,
            expires_at=now + ttl,
        )
    )
    url = f"{current_app.config['PUBLIC_URL']}{link_path(purpose)}?token={raw}"
    return IssuedLink(token=raw, url=url, expires_at=now + ttl, ttl=ttl)


def revoke(user_id: uuid.UUID, purposes: tuple[str, ...]) -> int:
    """Kill a user's live links of `purposes` (a new one, a credential change)."""
    return db.changed(
        update(LinkToken)
        .where(
            LinkToken.user_id == user_id,
            LinkToken.purpose.in_(purposes),
            LinkToken.used_at.is_(None),
            LinkToken.revoked_at.is_(None),
        )
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def _live(
    raw: str, purposes: str | tuple[str, ...], now: datetime
) -> tuple[ColumnElement[bool], ...]:
    if isinstance(purposes, str):
        purposes = (purposes,)
    return (
        LinkToken.token_hash == hash_token(raw),
        LinkToken.purpose.in_(purposes),
        LinkToken.used_at.is_(None),
        LinkToken.revoked_at.is_(None),
        LinkToken.expires_at > now,
    )


def peek(raw: str, purpose: str | tuple[str, ...]) -> LinkToken | None:
    """The live token of `purpose` (or of any of several), or None; reads only."""
    if not raw or len(raw) > _MAX_TOKEN_CHARS:
        return None
    return db.session().scalar(select(LinkToken).where(*_live(raw, purpose, utcnow())))


def redeem(raw: str, purpose: str | tuple[str, ...]) -> LinkToken:
    """Spend the token (once, race-free); 400 `invalid_token` if it cannot be.

    `purpose` may name several purposes the caller accepts (an invitation or a
    reset both set a password); the spent token says which it was.
    """
    if not raw or len(raw) > _MAX_TOKEN_CHARS:
        raise InvalidLinkToken()
    now = utcnow()
    spent = db.changed(
        update(LinkToken)
        .where(*_live(raw, purpose, now))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if spent != 1:
        raise InvalidLinkToken()
    token = (
        db.session()
        .scalars(select(LinkToken).where(LinkToken.token_hash == hash_token(raw)))
        .one()
    )
    db.session().refresh(token)
    return token


def purge_expired(now: datetime, *, dry_run: bool) -> int:
    """Delete tokens past their expiry: spent or not, they open nothing."""
    expired = LinkToken.expires_at <= now
    if dry_run:
        count = select(func.count()).select_from(LinkToken).where(expired)
        return db.session().scalar(count) or 0
    result = db.changed(delete(LinkToken).where(expired))
    return result
