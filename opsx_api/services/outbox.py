"""Queueing pushes. Rows join the caller's transaction; the worker delivers them."""

import uuid
from typing import Any

from sqlalchemy import select, update

from models import DeviceSession, Notification, PushDelivery, User
from opsx_api import db
from opsx_api.clock import utcnow


def notify_user(
    user: User,
    kind: str,
    *,
    title: str | None = None,
    body: str | None = None,
    data: dict[str, Any] | None = None,
    broadcast_id: uuid.UUID | None = None,
) -> Notification:
    """An inbox notification for `user`, pushed to the user's live device if any."""
    notification = _notification(user, kind, title, body, data, broadcast_id, True)
    live = db.session().scalar(
        select(DeviceSession).where(
            DeviceSession.user_id == user.id, DeviceSession.revoked_at.is_(None)
        )
    )
    if live is not None and live.push_token:
        queue_delivery(notification, live, live.push_token)
    return notification


def signal_session_revoked(session: DeviceSession, reason: str) -> Notification | None:
    """A data push telling the device its session ended, sent to its current token.

    Queued before the token is detached, to that token, so the app can sign out
    and wipe its local copy. It carries no personal data and no inbox entry.
    """
    if not session.push_token:
        return None
    notification = _notification(
        session.user,
        "session_revoked",
        None,
        None,
        {"session_id": str(session.id), "reason": reason},
        None,
        False,
    )
    queue_delivery(notification, session, session.push_token)
    return notification


def queue_delivery(
    notification: Notification, session: DeviceSession, token: str
) -> PushDelivery:
    now = utcnow()
    delivery = PushDelivery(
        client_id=notification.client_id,
        notification_id=notification.id,
        user_id=notification.user_id,
        session_id=session.id,
        token=token,
        collapse_key=f"{notification.kind}:{notification.id.hex[:16]}",
        status="queued",
        attempts=0,
        next_attempt_at=now,
        created_at=now,
        updated_at=now,
    )
    db.session().add(delivery)
    return delivery


def cancel_queued_for_user(
    user_id: uuid.UUID, *, keep_kinds: tuple[str, ...] = ("session_revoked",)
) -> int:
    """Cancel every queued push to a user (but the sign-out signal); the count."""
    keep = select(Notification.id).where(
        Notification.user_id == user_id, Notification.kind.in_(keep_kinds)
    )
    return db.changed(
        update(PushDelivery)
        .where(
            PushDelivery.user_id == user_id,
            PushDelivery.status == "queued",
            PushDelivery.notification_id.not_in(keep),
        )
        .values(status="cancelled", last_error="user deactivated", updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def _notification(
    user: User,
    kind: str,
    title: str | None,
    body: str | None,
    data: dict[str, Any] | None,
    broadcast_id: uuid.UUID | None,
    in_inbox: bool,
) -> Notification:
    notification = Notification(
        id=uuid.uuid4(),
        client_id=user.client_id,
        user_id=user.id,
        kind=kind,
        title=title,
        body=body,
        data=data or {},
        broadcast_id=broadcast_id,
        in_inbox=in_inbox,
        created_at=utcnow(),
    )
    db.session().add(notification)
    db.session().flush()  # deliveries reference it; there is no ORM relationship
    return notification
