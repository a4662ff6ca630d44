"""Prospects: create, list, update, delete and erase, with versions and audit.

Every write bumps `version` (the ETag) and takes a new `change_seq` for the
changes feed. Deleting leaves a tombstone; erasing clears the personal data
and leaves a tombstone too. Assignment notifies the assignee through the outbox
in the same transaction.
"""

import uuid
from collections.abc import Collection
from typing import Any

from flask import current_app
from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from models import TENANT_ROLES, Prospect, User
from opsx_api import db
from opsx_api.actor import Actor
from opsx_api.clock import utcnow
from opsx_api.errors import (
    Conflict,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
)
from opsx_api.services import audit, outbox
from opsx_api.services.prospects import sync
from opsx_api.services.prospects.erasure import ASSIGNED_KIND, scrub, scrub_related
from opsx_api.services.prospects.field_limits import ClientFieldKeys

# Columns set straight from a validated body; `location` maps to lat/lng.
COLUMNS: tuple[str, ...] = ("name", "phone", "email", "status", "assigned_to")
COLUMNS += ("address", "external_id", "fields")


def live(prospect: Prospect) -> Prospect:
    """The prospect, unless it is a tombstone (then 404, like a missing one)."""
    if prospect.is_deleted:
        raise NotFound("No such prospect.")
    return prospect


def create(data: dict[str, Any], *, actor: Actor) -> Prospect:
    """A new prospect, its audit event and the assignee's push (no commit)."""
    client_id = actor.tenant_id
    assignee = assignee_of(client_id, data.get("assigned_to"))
    if data.get("fields"):
        ClientFieldKeys(client_id).admit(data["fields"])
    now = utcnow()
    prospect = Prospect(
        id=uuid.uuid4(),
        client_id=client_id,
        status="new",
        fields={},
        version=1,
        created_by=actor.user_id,
        created_at=now,
        updated_at=now,
    )
    apply_changes(prospect, data)
    prospect.change_seq = sync.allocate(client_id)
    db.session().add(prospect)
    flush_unique_external_id()
    audit.record(
        "prospect.created",
        client_id=client_id,
        actor=actor,
        target=prospect,
        details={"version": 1, "assigned_to": _str(prospect.assigned_to)},
    )
    if assignee is not None:
        notify_assignee(prospect, assignee, actor)
    return prospect


def update_prospect(
    prospect: Prospect,
    changes: dict[str, Any],
    *,
    actor: Actor,
    if_match: frozenset[str] | None,
) -> Prospect:
    """Apply a PATCH if the caller's `If-Match` still names the current version."""
    row = live(lock(prospect))
    check_precondition(row, if_match)
    assignee = None
    if "assigned_to" in changes and changes["assigned_to"] != row.assigned_to:
        assignee = assignee_of(row.client_id, changes["assigned_to"])
    if changes.get("fields") and changes["fields"] != row.fields:
        ClientFieldKeys(row.client_id).admit(changes["fields"])
    changed = apply_changes(row, changes)
    if changed:
        bump(row)
        flush_unique_external_id()
        audit.record(
            "prospect.updated",
            client_id=row.client_id,
            actor=actor,
            target=row,
            details={"fields": changed, "version": row.version},
        )
        if assignee is not None:
            notify_assignee(row, assignee, actor)
    return row


def delete_prospect(
    prospect: Prospect, *, actor: Actor, if_match: frozenset[str] | None
) -> None:
    """Soft-delete: gone from lists and reads, a `delete` in the changes feed."""
    row = live(lock(prospect))
    check_precondition(row, if_match)
    row.deleted_at = utcnow()
    bump(row)
    audit.record(
        "prospect.deleted",
        client_id=row.client_id,
        actor=actor,
        target=row,
        details={"version": row.version},
    )


def erase(prospect: Prospect, *, actor: Actor) -> None:
    """Erase a person's data on request: the row stays as a bare tombstone.

    Name, phone, email, address, location, fields and the company's key are
    cleared, notes deleted, assignment pushes and stored replays redacted.
    Works on a deleted prospect too; repeating it does nothing. The audit
    event holds no personal data.
    """
    row = lock(prospect)
    if row.erased_at is not None:
        return
    counts = scrub_related(row.client_id, [row.id])
    now = utcnow()
    scrub(row, now)
    row.deleted_at = row.deleted_at or now
    bump(row)
    audit.record(
        "prospect.erased",
        client_id=row.client_id,
        actor=actor,
        target=row,
        details=counts,
    )


def lock(prospect: Prospect) -> Prospect:
    """The row re-read under `FOR UPDATE`: concurrent writers queue here."""
    stmt = (
        select(Prospect)
        .where(Prospect.id == prospect.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return db.session().scalars(stmt).one()


def check_precondition(row: Prospect, if_match: Collection[str] | None) -> None:
    """`if_match`: the opaque tags of If-Match (`*` for any), None when absent."""
    details = {"current_version": row.version, "etag": row.etag}
    if if_match is None:
        if current_app.config["REQUIRE_IF_MATCH"]:
            raise PreconditionRequired(details=details)
        return
    if "*" not in if_match and row.etag.strip('"') not in if_match:
        raise PreconditionFailed(details=details)


def bump(row: Prospect) -> None:
    """A new version and feed position; call last, after the row is locked."""
    row.version += 1
    row.updated_at = utcnow()
    row.change_seq = sync.allocate(row.client_id)


def apply_changes(row: Prospect, data: dict[str, Any]) -> list[str]:
    """Set validated values; the names of the ones that changed, sorted."""
    changed = []
    for key in COLUMNS:
        if key in data and getattr(row, key) != data[key]:
            setattr(row, key, data[key])
            changed.append(key)
    if "location" in data:
        where = data["location"] or {}
        point = (where.get("lat"), where.get("lng"))
        if (row.lat, row.lng) != point:
            row.lat, row.lng = point
            changed.append("location")
    return sorted(changed)


def assignee_of(client_id: uuid.UUID, user_id: uuid.UUID | None) -> User | None:
    """The user to assign to: an active member or admin of the same client (422)."""
    if user_id is None:
        return None
    user = db.session().get(User, user_id)
    if (
        user is None
        or user.client_id != client_id
        or user.role not in TENANT_ROLES
        or not user.is_active
    ):
        raise ValidationError({"assigned_to": ["Not an active user of this company."]})
    return user


def notify_assignee(prospect: Prospect, assignee: User, actor: Actor) -> None:
    """Inbox entry + push `prospect_assigned`; nobody is notified of self-assignment.

    Payload: title "Prospect assigned to you", body = the prospect's name
    (redacted if the prospect is erased), data {prospect_id, assigned_by}.
    """
    by = actor.user_id
    if assignee.id == by:
        return
    outbox.notify_user(
        assignee,
        ASSIGNED_KIND,
        title="Prospect assigned to you",
        body=prospect.name,
        data={"prospect_id": str(prospect.id), "assigned_by": _str(by)},
    )


def flush_unique_external_id() -> None:
    try:
        db.session().flush()
    except IntegrityError:
        raise Conflict(
            "Another prospect has this external_id.", code="external_id_taken"
        ) from None


def _str(value: object) -> str | None:
    return None if value is None else str(value)
