"""What erasing a prospect's personal data touches besides the row itself.

Used by `erase` (on the person's request) and by the retention scrub of
prospects deleted long ago: the row's personal columns, its notes, the
assignment pushes that named it, and the stored `Idempotency-Key` answers
that repeat its data (a replay must not give back what was erased).
"""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, select, update

from models import IdempotencyKey, Notification, Prospect, ProspectNote
from opsx_api import db

ASSIGNED_KIND = "prospect_assigned"
# A prospect's answer as replayed, with its personal values as erasure leaves them.
ERASED_VALUES: dict[str, Any] = {
    "name": "",
    "phone": None,
    "email": None,
    "address": None,
    "external_id": None,
    "location": None,
    "fields": {},
}


def scrub(row: Prospect, now: datetime) -> None:
    """Clear every personal value of a row (it stays as a tombstone)."""
    row.name = ""
    row.phone = row.email = row.address = row.external_id = None
    row.lat = row.lng = None
    row.fields = {}
    row.erased_at = now


def scrub_related(client_id: uuid.UUID, ids: list[uuid.UUID]) -> dict[str, int]:
    """Delete notes, redact assignment pushes and stored replays; the counts."""
    notes = db.changed(delete(ProspectNote).where(ProspectNote.prospect_id.in_(ids)))
    redacted = db.changed(
        update(Notification)
        .where(
            Notification.client_id == client_id,
            Notification.kind == ASSIGNED_KIND,
            Notification.data["prospect_id"].as_string().in_([str(i) for i in ids]),
        )
        .values(title="Prospect assigned to you", body=None)
        .execution_options(synchronize_session=False)
    )
    return {
        "notes_removed": notes,
        "notifications_redacted": redacted,
        "replays_redacted": scrub_replays(client_id, ids),
    }


def scrub_replays(client_id: uuid.UUID, ids: list[uuid.UUID]) -> int:
    """Redact a create's stored answer, delete a note's; how many.

    A create's key stays, answering the erased values: a late retry must not
    create the person again. A note's key goes with the note: its retry
    meets the erased prospect (404).
    """
    wanted = [str(i) for i in ids]
    body = IdempotencyKey.response_body
    rows = db.session().scalars(
        select(IdempotencyKey).where(
            IdempotencyKey.client_id == client_id,
            or_(
                body["id"].as_string().in_(wanted),
                body["prospect_id"].as_string().in_(wanted),
            ),
        )
    )
    count = 0
    for row in rows:
        if isinstance(row.response_body, dict) and "prospect_id" in row.response_body:
            db.session().delete(row)
        elif isinstance(row.response_body, dict):
            row.response_body = {**row.response_body, **ERASED_VALUES}
        count += 1
    return count
