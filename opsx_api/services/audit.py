"""Writing the audit trail. Events join the caller's transaction; they never commit."""

import uuid
from datetime import datetime
from typing import Any

from flask import has_request_context

from models import AuditEvent
from opsx_api import db
from opsx_api.actor import Actor
from opsx_api.clock import utcnow
from opsx_api.pagination import Page, keyset_page
from opsx_api.request_info import client_ip
from opsx_api.tenancy import of_client


def record(
    action: str,
    *,
    client_id: uuid.UUID | None,
    actor: Actor,
    target: Any = None,
    target_type: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event to the current transaction.

    Under a support session the event names the staff member and the grant.
    """
    details = dict(details or {})
    if actor.support is not None:
        details.setdefault("support_grant_id", str(actor.support.grant_id))
    if target is not None:
        target_type = target_type or type(target).__name__.lower()
    event = AuditEvent(
        client_id=client_id,
        actor_id=actor.audit_id,
        actor_role=actor.audit_role,
        action=action,
        target_type=target_type,
        target_id=str(target.id) if target is not None else None,
        ip=client_ip() if has_request_context() else None,
        details=details,
        created_at=utcnow(),
    )
    db.session().add(event)
    return event


def list_events(client_id: uuid.UUID, args: dict[str, Any]) -> Page:
    """A page of a client's audit trail, newest first, with the API's filters."""
    stmt = of_client(AuditEvent, client_id)
    if args.get("since"):
        stmt = stmt.where(AuditEvent.created_at >= args["since"])
    if args.get("action"):
        stmt = stmt.where(AuditEvent.action == args["action"])
    if args.get("actor_id"):
        stmt = stmt.where(AuditEvent.actor_id == args["actor_id"])
    return keyset_page(
        stmt, (AuditEvent.created_at, AuditEvent.id), (datetime, uuid.UUID), args
    )
