"""Fixtures for the prospects tests: a company with an admin and a member, logged in."""

from dataclasses import dataclass, field
from typing import Any

import pytest

from models import Client, User
from opsx_api.actor import Actor

API = "/api/v1/prospects"


@dataclass
class Tenant:
    """A client company, its first admin and a member, with their auth headers."""

    company: Client
    admin: User
    member: User
    admin_headers: dict
    member_headers: dict
    factory: Any = field(repr=False, default=None)
    devices: dict = field(repr=False, default_factory=dict)

    def relogin(self) -> None:
        """New access tokens on the same phones (after the clock moved on)."""
        for user, attr in (
            (self.admin, "admin_headers"),
            (self.member, "member_headers"),
        ):
            login = self.factory.login(user, device_id=self.devices[user.id])
            setattr(self, attr, login.headers)

    def actor(self, user: User | None = None) -> Actor:
        """An actor for calling services directly (as the API's Identity would)."""
        return Actor.of(user or self.admin)


def make_tenant(factory) -> Tenant:
    """A new company with a logged-in admin and member."""
    company = factory.make_client()
    admin = factory.admin_of(company)
    member = factory.make_user(company)
    admin_login, member_login = factory.login(admin), factory.login(member)
    return Tenant(
        company,
        admin,
        member,
        admin_login.headers,
        member_login.headers,
        factory,
        {admin.id: admin_login.device_id, member.id: member_login.device_id},
    )


@pytest.fixture
def tenant(factory):
    """A company with an admin and a member, both logged in."""
    return make_tenant(factory)


@pytest.fixture
def other(factory):
    """A second company: its prospects must never show through to `tenant`."""
    return make_tenant(factory)


@pytest.fixture
def create(client):
    """POST a prospect and return the answer's JSON (asserting 201)."""

    def _create(headers, expect=201, **body):
        body.setdefault("name", "Ada Prospect")
        response = client.post(API, json=body, headers=headers)
        assert response.status_code == expect, response.get_json()
        return response.get_json()

    return _create
