"""Test factories. Users and tokens are made through the real services and login."""

import uuid
from dataclasses import dataclass, field

from models import Client, User
from opsx_api import db
from opsx_api.actor import Actor
from opsx_api.services import clients, users

PASSWORD = "field-work-password-2026"


@dataclass
class Login:
    """The answer of a real login, with a helper for the Authorization header."""

    status: int
    body: dict
    device_id: str
    user: User | None = None
    extra: dict = field(default_factory=dict)

    @property
    def access(self) -> str:
        return self.body["access_token"]

    @property
    def refresh(self) -> str:
        return self.body["refresh_token"]

    @property
    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.access}"}

    @property
    def session_id(self) -> str:
        return self.body["session"]["id"]


class Factory:
    def __init__(self, app, client):
        self.app = app
        self.client = client

    def make_client(self, name: str | None = None, policy: str = "reject") -> Client:
        """A client company with a first admin `admin-<id>@<name>.test`."""
        name = name or f"Co {uuid.uuid4().hex[:6]}"
        with self.app.app_context(), db.unit_of_work():
            return clients.create_client(
                name=name,
                device_policy=policy,
                admin={
                    "email": f"admin-{uuid.uuid4().hex[:8]}@example.test",
                    "name": "First Admin",
                    "password": PASSWORD,
                },
                actor=Actor.system(),
            )

    def make_user(
        self,
        client: Client | None = None,
        role: str = "member",
        *,
        email: str | None = None,
        name: str = "Field User",
        password: str = PASSWORD,
    ) -> User:
        """A user of `client` (or staff when `client` is None)."""
        email = email or f"{role}-{uuid.uuid4().hex[:8]}@example.test"
        with self.app.app_context(), db.unit_of_work():
            return users.create_user(
                client=client,
                email=email,
                name=name,
                role=role,
                password=password,
                actor=Actor.system(),
            )

    def login(
        self,
        user: User,
        *,
        device_id: str | None = None,
        platform: str = "android",
        push_token: str | None = None,
        password: str = PASSWORD,
        headers: dict | None = None,
        expect: int | None = 200,
    ) -> Login:
        """Log `user` in through POST /auth/login."""
        device_id = device_id or f"device-{uuid.uuid4().hex[:8]}"
        device = {"id": device_id, "platform": platform, "name": "Test phone"}
        if push_token:
            device["push_token"] = push_token
        response = self.client.post(
            "/api/v1/auth/login",
            json={"email": user.email, "password": password, "device": device},
            headers=headers or {},
        )
        if expect is not None:
            assert response.status_code == expect, response.get_json()
        return Login(response.status_code, response.get_json(), device_id, user)

    def admin_of(self, client: Client) -> User:
        from sqlalchemy import select

        with self.app.app_context():
            return (
                db.session()
                .scalars(
                    select(User).where(
                        User.client_id == client.id, User.role == "admin"
                    )
                )
                .first()
            )
