"""Small helpers for push tests: queue notifications, read the outbox back."""

import uuid

from sqlalchemy import select

from models import DeviceSession, Notification, PushDelivery, User
from opsx_api import db
from opsx_api.services import outbox


def notify(app, user, kind="prospect_assigned", **fields) -> uuid.UUID:
    """Queue a notification through the outbox service; the notification id."""
    fields.setdefault("title", "New prospect")
    fields.setdefault("body", "Ada Lovelace was assigned to you")
    with app.app_context():
        notification = outbox.notify_user(
            db.session().get(User, user.id), kind, **fields
        )
        db.session().commit()
        return notification.id


def pushes(app, **where) -> list[PushDelivery]:
    """Push deliveries (filtered by column values), oldest first."""
    with app.app_context():
        stmt = select(PushDelivery).order_by(PushDelivery.created_at)
        for name, value in where.items():
            stmt = stmt.where(getattr(PushDelivery, name) == value)
        return list(db.session().scalars(stmt))


def push_for(app, notification_id) -> PushDelivery:
    [row] = pushes(app, notification_id=notification_id)
    return row


def kinds_and_statuses(app) -> list[tuple[str, str]]:
    with app.app_context():
        rows = db.session().execute(
            select(Notification.kind, PushDelivery.status)
            .join(Notification, Notification.id == PushDelivery.notification_id)
            .order_by(PushDelivery.created_at)
        )
        return [tuple(row) for row in rows]


def session_token(app, session_id) -> str | None:
    with app.app_context():
        return db.session().get(DeviceSession, uuid.UUID(str(session_id))).push_token


def seed_devices(app, client_id, count: int, prefix: str = "bulk") -> list[str]:
    """`count` members of a client, each on a phone with a push token (bulk insert).

    Built directly in the tables: logging in 1,000 users one by one would only
    slow the test down. Returns the push tokens.
    """
    from datetime import timedelta

    from sqlalchemy import insert

    from opsx_api.clock import utcnow

    now = utcnow()
    people, phones, tokens = [], [], []
    for n in range(count):
        user_id, token = uuid.uuid4(), f"{prefix}-{n}-{uuid.uuid4().hex[:8]}"
        tokens.append(token)
        people.append(
            {
                "id": user_id,
                "client_id": client_id,
                "email": f"{prefix}-{n}-{uuid.uuid4().hex[:6]}@example.test",
                "name": f"Field {n}",
                "role": "member",
                "status": "active",
                "password_hash": "not-a-login",
                "created_at": now,
                "updated_at": now,
            }
        )
        phones.append(
            {
                "id": uuid.uuid4(),
                "user_id": user_id,
                "client_id": client_id,
                "device_id": f"{prefix}-phone-{n}",
                "platform": "android",
                "push_token": token,
                "push_token_updated_at": now,
                "created_at": now,
                "last_seen_at": now,
                "expires_at": now + timedelta(days=90),
            }
        )
    with app.app_context():
        s = db.session()
        s.execute(insert(User.__table__), people)
        s.execute(insert(DeviceSession.__table__), phones)
        s.commit()
    return tokens
