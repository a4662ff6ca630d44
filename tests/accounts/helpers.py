"""Reading emailed links as a person would, and the calls the account flows make."""

import uuid
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from models import LinkToken, User
from opsx_api import db

API = "/api/v1"
NEW_PASSWORD = "a-fresh-and-long-passphrase"


def delivered(mailbox, send_mail, address: str) -> list:
    """Run the mail worker once; the messages the SMTP server got for `address`."""
    send_mail()
    return mailbox.to(address)


def link_of(mailbox, message) -> tuple[str, str]:
    """(path with query, raw token) of the one link in a message's text."""
    url = urlsplit(mailbox.link_in(message))
    return f"{url.path}?{url.query}", parse_qs(url.query)["token"][0]


def invite(client, admin, email=None, **extra):
    """POST /admin/users without a password, as `admin` (a Login)."""
    email = email or f"invitee-{uuid.uuid4().hex[:6]}@example.test"
    body = {"email": email, "name": "Ivy Invitee", "role": "member", **extra}
    return client.post(f"{API}/admin/users", json=body, headers=admin.headers)


def deactivate(client, admin, user_id):
    return client.post(
        f"{API}/admin/users/{user_id}/deactivate", json={}, headers=admin.headers
    )


def set_password(client, token: str, new_password: str = NEW_PASSWORD):
    return client.post(
        f"{API}/auth/password", json={"token": token, "new_password": new_password}
    )


def user_row(app, user_id) -> User:
    with app.app_context():
        return db.session().get(User, uuid.UUID(str(user_id)))


def live_links(app, user_id, purpose: str) -> int:
    with app.app_context():
        rows = db.session().scalars(
            select(LinkToken).where(
                LinkToken.user_id == uuid.UUID(str(user_id)),
                LinkToken.purpose == purpose,
                LinkToken.used_at.is_(None),
                LinkToken.revoked_at.is_(None),
            )
        )
        return len(rows.all())
