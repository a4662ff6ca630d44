"""Announcements: the operator emails every active user (a change of the
privacy policy, which the policy promises to announce before it applies).

A notice about the service, not marketing: it goes to every active account,
newsletter or not, through the outbox like every email. Services never commit.
"""

from typing import Any

from sqlalchemy import select

from models import Client, User
from opsx_api import db
from opsx_api.actor import Actor
from opsx_api.services import audit, emails


def announce(
    subject: str,
    body: str,
    *,
    actor: Actor,
    progress: emails.Progress | None = None,
) -> int:
    """Queue the announcement to every active user; how many were queued."""
    stmt = (
        select(User.id, User.email, User.name, User.client_id)
        .add_columns(Client.name.label("client_name"))
        .outerjoin(Client, Client.id == User.client_id)
        .where(User.status == "active", User.erased_at.is_(None))
        .order_by(User.created_at, User.id)
    )

    def queue_one(row: Any) -> None:
        emails.queue(
            "announcement",
            to_address=row.email,
            to_name=row.name,
            context={
                "headline": subject,
                "body": body,
                "client_name": row.client_name,
            },
            user_id=row.id,
            client_id=row.client_id,
        )

    count = emails.queue_each(db.session().execute(stmt).all(), queue_one, progress)
    audit.record(
        "announcement.sent",
        client_id=None,
        actor=actor,
        details={"subject": subject[:200], "queued": count},
    )
    return count
