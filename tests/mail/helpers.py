"""Queue emails through the real service and read the outbox back."""

import uuid
from datetime import datetime

from sqlalchemy import select

from models import Email, User
from opsx_api import db
from opsx_api.services import emails


def queue_reset_mail(
    app, user, link="https://app.example.test/links/x?token=abc", **options
) -> uuid.UUID:
    """A password-reset email to `user`, committed; its id."""
    with app.app_context():
        row = emails.queue_to_user(
            db.session().get(User, user.id),
            "password_reset",
            {"link": link, "expires": "30 minutes"},
            **options,
        )
        db.session().commit()
        return row.id


def queue_plain(
    app, to_address: str, name: str = "Friend", *, send_before: datetime | None = None
) -> uuid.UUID:
    """A notice (no user) to an address, committed; its id."""
    with app.app_context():
        row = emails.queue(
            "email_taken_notice",
            to_address=to_address,
            to_name=name,
            send_before=send_before,
        )
        db.session().commit()
        return row.id


def email_row(app, email_id) -> Email:
    with app.app_context():
        return db.session().get(Email, email_id)


def email_rows(app) -> list[Email]:
    with app.app_context():
        return list(db.session().scalars(select(Email).order_by(Email.created_at)))
