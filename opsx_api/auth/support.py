"""Support-session tokens: staff acting for a client under the client's grant.

A support token names its support session (`sid`), grant (`gid`) and staff member
(`sub`, `act`). Like a device session, it is checked on every request against the
rows by primary key — no cache — so an expired or revoked grant, an ended session
or a deactivated staff member is refused (401) on the very next request.
Authentication only reads; it never writes.

Importing this module registers the loader in `TOKEN_LOADERS`.
"""

import uuid
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import g, request

from models import SupportSession
from opsx_api import db
from opsx_api.auth.identity import TOKEN_LOADERS, Identity, current_identity
from opsx_api.clock import utcnow
from opsx_api.errors import Forbidden, Unauthorized

TOKEN_KIND = "support"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
API_PREFIX = "/api/v1"
# Endpoints about the caller's own login and account: a support session has none.
OWN_ACCOUNT_PATHS = ("/auth", "/me")


@dataclass(frozen=True)
class SupportContext:
    """Who from support is acting, under which grant and session, with what scope."""

    staff_id: uuid.UUID
    grant_id: uuid.UUID
    session_id: uuid.UUID
    scope: str


def resolve_support_identity(claims: dict[str, Any]) -> Identity:
    """The identity behind a support token, or 401 when it is no longer live."""
    try:
        session_id = uuid.UUID(claims["sid"])
        grant_id = uuid.UUID(claims["gid"])
        staff_id = uuid.UUID(claims["sub"])
    except (KeyError, ValueError, TypeError):
        raise Unauthorized("Invalid access token.") from None
    row = db.session().get(SupportSession, session_id)
    now = utcnow()
    if (
        row is None
        or row.grant_id != grant_id
        or row.staff_id != staff_id
        or row.ended_at is not None
        or row.expires_at <= now
        or not row.grant.is_live(now)
        or not row.staff.is_active
        or row.staff.role != "support"
    ):
        raise Unauthorized("The support session has ended.")
    return Identity(
        user_id=staff_id,
        role="admin",
        client_id=row.client_id,
        session_id=row.id,
        claims=claims,
        session=None,
        support=SupportContext(staff_id, grant_id, row.id, row.grant.scope),
    )


def load_support_identity(claims: dict[str, Any]) -> Identity:
    """The registered loader: resolve, then apply the scope and own-account rules."""
    identity = resolve_support_identity(claims)
    # Kept aside before any refusal below, so the refused request is audited too
    # (not as `g.identity`, which would let a later lookup skip the refusal).
    g.support_identity = identity
    if _own_account_path(request.path):
        raise Forbidden("A support session has no account of its own here.")
    if identity.support.scope == "read" and request.method not in SAFE_METHODS:
        raise Forbidden("This support session is read-only.")
    return identity


def _own_account_path(path: str) -> bool:
    relative = path.removeprefix(API_PREFIX)
    return any(
        relative == prefix or relative.startswith(prefix + "/")
        for prefix in OWN_ACCOUNT_PATHS
    )


def no_support(func):
    """Refuse support sessions (403): for grants and the audit trail themselves."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        if current_identity().is_support:
            raise Forbidden("A support session cannot do this.")
        return func(*args, **kwargs)

    return wrapper


TOKEN_LOADERS[TOKEN_KIND] = load_support_identity
