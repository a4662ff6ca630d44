"""Who is calling: the access token checked against its session on every request.

Every request loads the session row by primary key (with its user) — no cache —
so a revoked session, a deactivated user or a credential changed since the login
(the session's `credential_version` behind the user's) is refused on the very next
request. Authentication only reads; it never writes.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import g, request
from sqlalchemy import bindparam, select

from models import DeviceSession, User
from opsx_api import db
from opsx_api.actor import Actor
from opsx_api.auth.tokens import decode_access_token
from opsx_api.clock import utcnow
from opsx_api.errors import Forbidden, Unauthorized
from opsx_api.prepared import ReadQuery


@dataclass(frozen=True, kw_only=True)
class Identity(Actor):
    """The authenticated caller: an Actor with its session and token claims.

    `role` is the effective role for this request (a support session acts as
    the client's admin). `session` is the device session as authenticated (a
    read-only snapshot row); `user` is loaded on first use, so routes that do
    not need it cost nothing.
    """

    user_id: uuid.UUID
    session_id: uuid.UUID
    claims: dict[str, Any] = field(repr=False)
    session: Any = field(repr=False, default=None)

    @property
    def user(self) -> User | None:
        """The caller's user row (None for a support session's stand-in)."""
        if self.is_support:
            return None
        return db.session().get(User, self.user_id)


# A loader per token kind: "device" here, "support" in `opsx_api.auth.support`.
TOKEN_LOADERS: dict[str, Callable[[dict[str, Any]], Identity]] = {}


def bearer_token() -> str:
    """The token from the Authorization header; a token in the URL is refused."""
    if "access_token" in request.args:
        raise Unauthorized("Send the token in the Authorization header, not the URL.")
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("A Bearer access token is required.", code="unauthorized")
    return token.strip()


def authenticate() -> Identity:
    """Verify the bearer token and its live session; cache it on `g` for the request."""
    known: Identity | None = g.get("identity")
    if known is not None:
        return known
    claims = decode_access_token(bearer_token())
    kind = claims.get("kind", "device")
    loader = TOKEN_LOADERS.get(kind) if isinstance(kind, str) else None
    if loader is None:
        raise Unauthorized("Unknown token kind.")
    identity = g.identity = loader(claims)
    return identity


def current_identity() -> Identity:
    return authenticate()


def current_user() -> User:
    """The caller's own user row: for resources no support session reaches."""
    identity = authenticate()
    if identity.support is not None:
        raise Forbidden("A support session has no account of its own here.")
    return db.session().get_one(User, identity.user_id)


def uuid_claim(claims: dict[str, Any], name: str) -> uuid.UUID:
    """A claim that must hold a UUID string; anything else is a bad token (401)."""
    value = claims.get(name)
    try:
        if not isinstance(value, str):
            raise ValueError(name)
        return uuid.UUID(value)
    except ValueError:
        raise Unauthorized("Invalid access token.") from None


# What the check compares and what the caller may read of its own session
# (`Identity.session`: SessionSchema, a password change, a support session's
# start); not the refresh hashes and login facts, which no request needs.
# Fewer columns: less for PostgreSQL to format and psycopg2 to parse.
_SESSION = DeviceSession.__table__.c
_CHECKED_SESSION = (
    _SESSION.id,
    _SESSION.user_id,
    _SESSION.client_id,
    _SESSION.device_id,
    _SESSION.platform,
    _SESSION.device_name,
    _SESSION.push_token,
    _SESSION.created_at,
    _SESSION.last_seen_at,
    _SESSION.expires_at,
    _SESSION.revoked_at,
    _SESSION.credential_version,
)
_SESSION_WITH_USER = ReadQuery(
    select(
        *_CHECKED_SESSION,
        User.status.label("user_status"),
        User.role.label("user_role"),
        User.credential_version.label("user_credential_version"),
    )
    .join(User, User.id == DeviceSession.user_id)
    .where(DeviceSession.id == bindparam("sid"))
)


def _device_identity(claims: dict[str, Any]) -> Identity:
    # One indexed query per request, prepared once per pooled connection
    # (opsx_api/prepared.py): no ORM objects, no planning on the hot path.
    session_id = uuid_claim(claims, "sid")
    user_id = uuid_claim(claims, "sub")
    rows = _SESSION_WITH_USER.all({"sid": session_id})
    row = rows[0] if rows else None
    if (
        row is None
        or row.revoked_at is not None
        or row.user_id != user_id
        or row.expires_at <= utcnow()
        or row.user_status != "active"
        or row.credential_version != row.user_credential_version
    ):
        raise Unauthorized("The session has ended; log in again.")
    return Identity(
        user_id=row.user_id,
        role=row.user_role,
        client_id=row.client_id,
        session_id=row.id,
        claims=claims,
        session=row,
    )


TOKEN_LOADERS["device"] = _device_identity
