"""Support access on request: grants, support sessions and their audit trail.

A company admin grants access (scope, reason, duration); support staff open a
short-lived session on a live grant and act as the company's admin; every request
made so is audited in the company's trail; revoking the grant ends it at once.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select, update

from models import Client, SupportGrant, SupportSession, User
from opsx_api import db
from opsx_api.actor import Actor
from opsx_api.auth.support import TOKEN_KIND
from opsx_api.auth.tokens import issue_access_token
from opsx_api.clock import utcnow
from opsx_api.errors import Conflict, NotFound
from opsx_api.pagination import Page, keyset_page
from opsx_api.services import audit, outbox
from opsx_api.tenancy import of_client

PAGE_KINDS = (datetime, uuid.UUID)


@dataclass
class SupportSessionToken:
    """What opening a support session answers."""

    access_token: str
    expires_in: int
    session: SupportSession
    client: Client
    token_type: str = "Bearer"


def create_grant(
    *,
    client_id: uuid.UUID,
    scope: str,
    reason: str,
    duration_hours: int,
    actor: Actor,
) -> SupportGrant:
    """A company admin lets support in for `duration_hours` (1..168)."""
    now = utcnow()
    grant = SupportGrant(
        id=uuid.uuid4(),
        client_id=client_id,
        scope=scope,
        reason=reason,
        created_by_id=actor.user_id,
        created_at=now,
        expires_at=now + timedelta(hours=duration_hours),
    )
    db.session().add(grant)
    db.session().flush()
    audit.record(
        "support.grant_created",
        client_id=client_id,
        actor=actor,
        target=grant,
        target_type="support_grant",
        details={"scope": scope, "reason": reason, "expires_at": _iso(grant)},
    )
    return grant


def change_duration(
    grant: SupportGrant, duration_hours: int, *, actor: Actor
) -> SupportGrant:
    """Extend (or shorten) a live grant: it now ends `duration_hours` from now."""
    grant = _lock(grant.id)
    if not grant.is_live(utcnow()):
        raise Conflict("This grant has expired or was revoked.", code="grant_not_live")
    previous = _iso(grant)
    grant.expires_at = utcnow() + timedelta(hours=duration_hours)
    audit.record(
        "support.grant_changed",
        client_id=grant.client_id,
        actor=actor,
        target=grant,
        target_type="support_grant",
        details={"previous_expires_at": previous, "expires_at": _iso(grant)},
    )
    return grant


def revoke_grant(grant: SupportGrant, *, actor: Actor) -> None:
    """Cut support off at once: the grant and every open session on it end now.

    Repeating it is harmless and audits nothing more.
    """
    grant = _lock(grant.id)
    if grant.revoked_at is not None:
        return
    now = utcnow()
    grant.revoked_at = now
    grant.revoked_by_id = actor.user_id
    ended = db.changed(
        update(SupportSession)
        .where(SupportSession.grant_id == grant.id, SupportSession.ended_at.is_(None))
        .values(ended_at=now, ended_reason="grant_revoked")
        .execution_options(synchronize_session=False)
    )
    audit.record(
        "support.grant_revoked",
        client_id=grant.client_id,
        actor=actor,
        target=grant,
        target_type="support_grant",
        details={"sessions_ended": ended},
    )


def list_grants(client_id: uuid.UUID, args: dict[str, Any]) -> Page:
    """A client's grants, live and past, newest first."""
    stmt = of_client(SupportGrant, client_id)
    columns = (SupportGrant.created_at, SupportGrant.id)
    return keyset_page(stmt, columns, PAGE_KINDS, args)


def list_grant_sessions(grant: SupportGrant, args: dict[str, Any]) -> Page:
    """The support sessions opened on one grant, newest first."""
    stmt = select(SupportSession).where(SupportSession.grant_id == grant.id)
    columns = (SupportSession.started_at, SupportSession.id)
    return keyset_page(stmt, columns, PAGE_KINDS, args)


def live_grants(args: dict[str, Any]) -> Page:
    """Every client's live grants, for support staff, newest first."""
    stmt = select(SupportGrant).where(
        SupportGrant.revoked_at.is_(None), SupportGrant.expires_at > utcnow()
    )
    columns = (SupportGrant.created_at, SupportGrant.id)
    return keyset_page(stmt, columns, PAGE_KINDS, args)


def open_session(
    grant_id: uuid.UUID, *, staff: User, credential_version: int, ip: str | None
) -> SupportSessionToken:
    """A support session on a live grant, its access token, and the admins told.

    `credential_version` is the one the staff member's own login was opened
    under: if their credentials changed since, the support session is dead too.
    A missing, expired or revoked grant is 404, as it is absent from the list.
    """
    grant = _lock_if_any(grant_id)
    now = utcnow()
    if grant is None or not grant.is_live(now):
        raise NotFound("No live support grant with this id.")
    ttl = timedelta(seconds=current_app.config["ACCESS_TOKEN_TTL"])
    row = SupportSession(
        id=uuid.uuid4(),
        grant_id=grant.id,
        staff_id=staff.id,
        client_id=grant.client_id,
        started_at=now,
        expires_at=min(grant.expires_at, now + ttl),
        ip=ip,
        staff_credential_version=credential_version,
    )
    db.session().add(row)
    db.session().flush()
    audit.record(
        "support.session_started",
        client_id=grant.client_id,
        actor=Actor.of(staff),
        target=row,
        target_type="support_session",
        details={"grant_id": str(grant.id), "scope": grant.scope},
    )
    _notify_admins(grant, row, staff)
    token, expires_in = _token(grant, row, staff)
    return SupportSessionToken(token, expires_in, row, grant.client)


def end_staff_sessions(staff_id: uuid.UUID, reason: str) -> int:
    """End every open support session of one staff member; how many."""
    return db.changed(
        update(SupportSession)
        .where(SupportSession.staff_id == staff_id, SupportSession.ended_at.is_(None))
        .values(ended_at=utcnow(), ended_reason=reason[:32])
        .execution_options(synchronize_session=False)
    )


def record_request(actor: Actor, *, method: str, path: str, status: int) -> None:
    """The audit event of one request made under a support session."""
    support = actor.support
    assert support is not None, "only support sessions are recorded"
    audit.record(
        "support.request",
        client_id=actor.client_id,
        actor=actor,
        details={
            "method": method,
            "path": path,
            "status": status,
            "grant_id": str(support.grant_id),
            "session_id": str(support.session_id),
        },
    )


def _notify_admins(grant: SupportGrant, row: SupportSession, staff: User) -> None:
    admins = (
        db.session()
        .scalars(
            select(User).where(
                User.client_id == grant.client_id,
                User.role == "admin",
                User.status == "active",
            )
        )
        .all()
    )
    until = row.expires_at.strftime("%Y-%m-%d %H:%M UTC")
    for admin in admins:
        outbox.notify_user(
            admin,
            "support_session_started",
            title="Support session started",
            body=f"{staff.name} from support opened a {grant.scope} session "
            f"(until {until}). Reason: {grant.reason}",
            data={
                "grant_id": str(grant.id),
                "session_id": str(row.id),
                "staff_id": str(staff.id),
                "scope": grant.scope,
                "expires_at": row.expires_at.isoformat(),
            },
        )


def _token(grant: SupportGrant, row: SupportSession, staff: User) -> tuple[str, int]:
    return issue_access_token(
        subject=staff.id,
        session_id=row.id,
        client_id=grant.client_id,
        role="admin",
        extra={
            "kind": TOKEN_KIND,
            "act": {"sub": str(staff.id)},
            "gid": str(grant.id),
            "scope": grant.scope,
        },
        expires_at=row.expires_at,
    )


def _lock(grant_id: uuid.UUID) -> SupportGrant:
    """The grant row, locked (404 when there is none)."""
    grant = _lock_if_any(grant_id)
    if grant is None:
        raise NotFound("No such support grant.")
    return grant


def _lock_if_any(grant_id: uuid.UUID) -> SupportGrant | None:
    """The grant row, locked: revoking and opening a session serialise on it."""
    return db.session().get(
        SupportGrant,
        grant_id,
        with_for_update={"of": SupportGrant},
        populate_existing=True,
    )


def _iso(grant: SupportGrant) -> str:
    return grant.expires_at.isoformat()
