"""A person with a footprint in every table, and a scan for any trace of them."""

import json
import uuid
from dataclasses import dataclass

from sqlalchemy import select

from models import Base
from opsx_api import db
from tests.factories import PASSWORD, Login

API = "/api/v1"


@dataclass
class Person:
    """Someone who logged in from a known address and left traces behind."""

    user_id: str
    name: str
    email: str
    ip: str
    login: Login


def login_from(client, user, ip: str, *, device_name: str, push_token: str) -> Login:
    """A real login whose peer address is `ip` (as the server sees it)."""
    device_id = f"device-{uuid.uuid4().hex[:8]}"
    response = client.post(
        f"{API}/auth/login",
        json={
            "email": user.email,
            "password": PASSWORD,
            "device": {
                "id": device_id,
                "platform": "android",
                "name": device_name,
                "push_token": push_token,
            },
        },
        environ_overrides={"REMOTE_ADDR": ip},
    )
    assert response.status_code == 200, response.get_json()
    return Login(200, response.get_json(), device_id, user)


def bearer(login: Login) -> dict:
    return login.headers


def traces(app, *needles: str) -> dict[str, list[str]]:
    """Which tables hold any of `needles` in any column, as text (case-insensitive)."""
    found: dict[str, list[str]] = {}
    wanted = [n.lower() for n in needles]
    with app.app_context():
        for table in Base.metadata.sorted_tables:
            for row in db.session().execute(select(table)).mappings():
                text = json.dumps(dict(row), default=str).lower()
                hits = [n for n in wanted if n in text]
                if hits:
                    found.setdefault(table.name, []).extend(hits)
    return found
