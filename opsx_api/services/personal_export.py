"""`GET /me/export`: everything the service holds about the caller, as JSON.

Instant, not "within 30 days". Sections: the profile, every device session (the
login history: times, IPs, countries, devices), the notification inbox, the
emails sent to the person, their support sessions (staff), the audit events
they did or that were done to their account, their newsletter status and the
friends they referred. Nothing about anybody else, and no
secret: no password or token hash, no push token, no link token. Prospects are
the client's data, not the person's: the export counts those they created and
are assigned, without their content (the company exercises rights over them).

Each section is a list of plain dicts, so the document is stable JSON.
"""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select

from models import (
    AuditEvent,
    DeviceSession,
    Email,
    Notification,
    Prospect,
    SupportSession,
    User,
)
from opsx_api import db
from opsx_api.clock import utcnow
from opsx_api.services import newsletter, referrals

FORMAT = "opsx-personal-export/1"
# Sections other features add: name -> what they hold about a user.
SECTIONS: dict[str, Any] = {
    "newsletter": newsletter.export_of,
    "referrals": referrals.export_of,
}


def export(user: User) -> dict[str, Any]:
    """The whole document for `user`, read in the request's transaction."""
    document: dict[str, Any] = {
        "format": FORMAT,
        "generated_at": _iso(utcnow()),
        "profile": _profile(user),
        "devices_and_logins": _sessions(user.id),
        "notifications": _notifications(user.id),
        "emails": _emails(user),
        "support_sessions": _support_sessions(user.id),
        "audit_events": _audit_events(user.id),
        "prospects": _prospect_counts(user.id),
    }
    for name, rows_of in SECTIONS.items():
        document[name] = rows_of(user)
    return document


def _profile(user: User) -> dict[str, Any]:
    client = user.client
    return {
        "id": str(user.id),
        "email": user.email,
        "pending_email": user.pending_email,
        "name": user.name,
        "role": user.role,
        "status": user.status,
        "client": {"id": str(client.id), "name": client.name} if client else None,
        "created_at": _iso(user.created_at),
        "updated_at": _iso(user.updated_at),
        "password_changed_at": _iso(user.password_changed_at),
        "deactivated_at": _iso(user.deactivated_at),
        "erase_after": _iso(user.erase_after),
    }


def _sessions(user_id: uuid.UUID) -> list[dict[str, Any]]:
    rows = db.session().scalars(
        select(DeviceSession)
        .where(DeviceSession.user_id == user_id)
        .order_by(DeviceSession.created_at.desc())
    )
    return [
        {
            "id": str(row.id),
            "device": {
                "id": row.device_id,
                "platform": row.platform,
                "name": row.device_name,
            },
            "push_registered": row.push_token is not None,
            "logged_in_at": _iso(row.created_at),
            "login_ip": row.login_ip,
            "login_country": row.login_country,
            "last_seen_at": _iso(row.last_seen_at),
            "expires_at": _iso(row.expires_at),
            "revoked_at": _iso(row.revoked_at),
            "revoked_reason": row.revoked_reason,
        }
        for row in rows
    ]


def _notifications(user_id: uuid.UUID) -> list[dict[str, Any]]:
    rows = db.session().scalars(
        select(Notification)
        .where(Notification.user_id == user_id, Notification.in_inbox.is_(True))
        .order_by(Notification.created_at.desc())
    )
    return [
        {
            "id": str(row.id),
            "kind": row.kind,
            "title": row.title,
            "body": row.body,
            "data": row.data,
            "created_at": _iso(row.created_at),
            "read_at": _iso(row.read_at),
        }
        for row in rows
    ]


def _emails(user: User) -> list[dict[str, Any]]:
    """Emails to the person: what and when, not the bodies (they hold links)."""
    rows = db.session().scalars(
        select(Email)
        .where(or_(Email.user_id == user.id, Email.to_address == user.email))
        .order_by(Email.created_at.desc())
    )
    return [
        {
            "kind": row.kind,
            "to": row.to_address,
            "subject": row.subject,
            "status": row.status,
            "queued_at": _iso(row.created_at),
            "updated_at": _iso(row.updated_at),
        }
        for row in rows
    ]


def _support_sessions(user_id: uuid.UUID) -> list[dict[str, Any]]:
    rows = db.session().scalars(
        select(SupportSession)
        .where(SupportSession.staff_id == user_id)
        .order_by(SupportSession.started_at.desc())
    )
    return [
        {
            "id": str(row.id),
            "client_id": str(row.client_id),
            "grant_id": str(row.grant_id),
            "started_at": _iso(row.started_at),
            "ended_at": _iso(row.ended_at),
            "ip": row.ip,
        }
        for row in rows
    ]


def _audit_events(user_id: uuid.UUID) -> list[dict[str, Any]]:
    """Events the person did, and events done to their account."""
    rows = db.session().scalars(
        select(AuditEvent)
        .where(
            or_(AuditEvent.actor_id == user_id, AuditEvent.target_id == str(user_id))
        )
        .order_by(AuditEvent.created_at.desc())
    )
    return [
        {
            "action": row.action,
            "at": _iso(row.created_at),
            "by_me": row.actor_id == user_id,
            "actor_role": row.actor_role,
            "target_type": row.target_type,
            "target_id": row.target_id,
            "ip": row.ip if row.actor_id == user_id else None,
            "details": row.details,
        }
        for row in rows
    ]


def _prospect_counts(user_id: uuid.UUID) -> dict[str, int]:
    def count(*where: Any) -> int:
        stmt = select(func.count()).select_from(Prospect).where(*where)
        return db.session().scalar(stmt) or 0

    live = Prospect.deleted_at.is_(None)
    return {
        "created": count(Prospect.created_by == user_id, live),
        "assigned": count(Prospect.assigned_to == user_id, live),
    }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
