"""Support-session tokens: staff acting for a client under the client's grant.

A support token names its support session (`sid`), grant (`gid`) and staff member
(`sub`, `act`). Like a device session, it is checked on every request against the
rows by primary key (no cache), so an expired or revoked grant, an ended session,
a deactivated staff member or one whose credentials changed since the session
opened is refused (401) on the very next request. What the session may call is
the resources' own declaration (`opsx_api.auth.access`). Authentication only
reads; it never writes.

Importing this module registers the loader in `TOKEN_LOADERS`.
"""

from typing import Any

from models import SupportSession
from opsx_api import db
from opsx_api.actor import SupportContext
from opsx_api.auth.identity import TOKEN_LOADERS, Identity, uuid_claim
from opsx_api.clock import utcnow
from opsx_api.errors import Unauthorized

TOKEN_KIND = "support"


def resolve_support_identity(claims: dict[str, Any]) -> Identity:
    """The identity behind a support token, or 401 when it is no longer live."""
    session_id = uuid_claim(claims, "sid")
    grant_id = uuid_claim(claims, "gid")
    staff_id = uuid_claim(claims, "sub")
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
        or row.staff_credential_version != row.staff.credential_version
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


TOKEN_LOADERS[TOKEN_KIND] = resolve_support_identity
