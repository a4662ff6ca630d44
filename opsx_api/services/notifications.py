"""Company broadcasts, their delivery counts, and every user's inbox.

A broadcast to 10,000 users writes 10,000 inbox rows and a push per registered
device in one transaction, set-based (`fanout.py`): no ORM object per row, so
the request stays fast. FCM is never called here; the worker delivers.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from models import (
    DELIVERY_STATUSES,
    Broadcast,
    Notification,
    PushDelivery,
    User,
)
from opsx_api import db
from opsx_api.actor import Actor
from opsx_api.clock import utcnow
from opsx_api.errors import NotFound, ValidationFailed
from opsx_api.pagination import Page, keyset_page
from opsx_api.services import audit, fanout
from opsx_api.tenancy import of_client


def broadcast(
    client_id: uuid.UUID,
    *,
    title: str,
    body: str,
    user_ids: list[uuid.UUID] | None,
    actor: Actor,
) -> Broadcast:
    """Queue `title`/`body` to the client's active users (or to `user_ids`).

    Every recipient gets an inbox row; each one with a live, push-registered
    device also gets a queued push. 422 when a user id is not the client's.
    Deactivated users among `user_ids` are skipped, not refused: a list picked
    a minute ago should not fail because one person has left since.
    """
    wanted = _check_users(client_id, user_ids) if user_ids is not None else None
    now = utcnow()
    row = Broadcast(
        id=uuid.uuid4(),
        client_id=client_id,
        created_by=getattr(actor, "user_id", None),
        title=title,
        body=body,
        recipients=0,
        queued=0,
        created_at=now,
    )
    s = db.session()
    s.add(row)
    s.flush()
    row.recipients = fanout.write_inbox(row, wanted, now)
    row.queued = fanout.queue_pushes(row, now)
    audit.record(
        "notification.broadcast",
        client_id=client_id,
        actor=actor,
        target=row,
        details={"recipients": row.recipients, "queued": row.queued},
    )
    return row


def _check_users(client_id: uuid.UUID, user_ids: list[uuid.UUID]) -> list[uuid.UUID]:
    """The de-duplicated ids, or 422 naming (by index) those not of the client."""
    wanted = list(dict.fromkeys(user_ids))
    known: set[uuid.UUID] = set()
    for chunk in fanout.chunks(wanted):
        known.update(
            db.session().scalars(
                select(User.id).where(User.client_id == client_id, User.id.in_(chunk))
            )
        )
    unknown = {
        str(index): ["Not a user of your company."]
        for index, user_id in enumerate(user_ids)
        if user_id not in known
    }
    if unknown:
        raise ValidationFailed(details={"user_ids": unknown})
    return wanted


def delivery_counts(
    broadcast_ids: list[uuid.UUID],
) -> dict[uuid.UUID | None, dict[str, int]]:
    """Pushes per status of each broadcast, every status present (0 if none)."""
    counts: dict[uuid.UUID | None, dict[str, int]] = {
        b: dict.fromkeys(DELIVERY_STATUSES, 0) for b in broadcast_ids
    }
    if not broadcast_ids:
        return counts
    stmt = (
        select(Notification.broadcast_id, PushDelivery.status, func.count())
        .join(Notification, Notification.id == PushDelivery.notification_id)
        .where(Notification.broadcast_id.in_(broadcast_ids))
        .group_by(Notification.broadcast_id, PushDelivery.status)
    )
    for broadcast_id, status, count in db.session().execute(stmt):
        counts[broadcast_id][status] = count
    return counts


@dataclass(frozen=True)
class BroadcastReport:
    """A broadcast as reported: what it was, and its pushes counted by status now."""

    id: uuid.UUID
    title: str
    body: str
    created_at: datetime
    created_by: uuid.UUID | None
    recipients: int
    queued: int
    counts: dict[str, int]


def with_counts(rows: list[Broadcast]) -> list[BroadcastReport]:
    """Reports of `rows` with their live delivery counts, in one query."""
    counts = delivery_counts([row.id for row in rows])
    return [
        BroadcastReport(
            row.id,
            row.title,
            row.body,
            row.created_at,
            row.created_by,
            row.recipients,
            row.queued,
            counts[row.id],
        )
        for row in rows
    ]


def list_broadcasts(client_id: uuid.UUID, args: dict[str, Any]) -> Page:
    """The client's broadcasts, newest first, with their delivery counts."""
    stmt = of_client(Broadcast, client_id)
    page = keyset_page(
        stmt, (Broadcast.created_at, Broadcast.id), (datetime, uuid.UUID), args
    )
    return Page(with_counts(page.items), page.next_cursor)


def inbox(user_id: uuid.UUID, args: dict[str, Any]) -> Page:
    """A page of the user's inbox, newest first (`unread` filters)."""
    stmt = select(Notification).where(
        Notification.user_id == user_id, Notification.in_inbox.is_(True)
    )
    if args.get("unread"):
        stmt = stmt.where(Notification.read_at.is_(None))
    return keyset_page(
        stmt, (Notification.created_at, Notification.id), (datetime, uuid.UUID), args
    )


def mark_read(user_id: uuid.UUID, notification_id: uuid.UUID) -> None:
    """Mark one of the user's own notifications read; 404 for anyone else's."""
    row = db.session().get(Notification, notification_id)
    if row is None or row.user_id != user_id or not row.in_inbox:
        raise NotFound("No such notification.")
    if row.read_at is None:
        row.read_at = utcnow()
