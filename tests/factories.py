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


@dataclass
class Company:
    """A client company, its first admin and its members, each logged in once."""

    client: Client
    admin: User
    admin_login: Login
    members: list[User]
    member_logins: list[Login]
    factory: "Factory" = field(repr=False)

    @property
    def member(self) -> User:
        return self.members[0]

    @property
    def member_login(self) -> Login:
        return self.member_logins[0]

    @property
    def headers(self) -> dict:
        """The admin's Authorization header."""
        return self.admin_login.headers

    admin_headers = headers

    @property
    def member_headers(self) -> dict:
        return self.member_login.headers

    def relogin(self) -> "Company":
        """New tokens on the same phones (after the clock moved on)."""
        self.admin_login = self.factory.login(
            self.admin, device_id=self.admin_login.device_id
        )
        self.member_logins = [
            self.factory.login(user, device_id=login.device_id)
            for user, login in zip(self.members, self.member_logins, strict=True)
        ]
        return self

    def actor(self, user: User | None = None) -> Actor:
        """An actor for calling services directly (as the API's Identity would)."""
        return Actor.of(user or self.admin)


def assert_error(response, status: int, code: str) -> dict:
    """`response` is the one error envelope with `status` and `code`; its error."""
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == code, error
    return error


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
        client: "Client | Company | None" = None,
        role: str = "member",
        *,
        email: str | None = None,
        name: str = "Field User",
        password: str = PASSWORD,
    ) -> User:
        """A user of `client` (or staff when `client` is None)."""
        if isinstance(client, Company):
            client = client.client
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

    def company(
        self, *, members: int = 0, push_token: str | None = None, policy="reject"
    ) -> Company:
        """A new company whose first admin and `members` members are logged in.

        The admin's phone registers `push_token` when given.
        """
        client = self.make_client(policy=policy)
        admin = self.admin_of(client)
        people = [self.make_user(client) for _ in range(members)]
        return Company(
            client,
            admin,
            self.login(admin, push_token=push_token),
            people,
            [self.login(user) for user in people],
            self,
        )

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
