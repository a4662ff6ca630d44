"""Client companies: creation with a first admin, and their settings."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from models import Client
from opsx_api import db
from opsx_api.actor import Actor
from opsx_api.clock import utcnow
from opsx_api.errors import Conflict
from opsx_api.pagination import Page, keyset_page
from opsx_api.services import audit, credentials, users


def create_client(
    *, name: str, device_policy: str, admin: dict[str, Any], actor: Actor
) -> Client:
    """A client and its first admin, in one transaction."""
    credentials.check_password(
        admin["password"], email=admin["email"], name=admin["name"]
    )
    _check_name_free(name)
    now = utcnow()
    client = Client(
        id=uuid.uuid4(),
        name=name,
        device_policy=device_policy,
        created_at=now,
        updated_at=now,
    )
    db.session().add(client)
    db.session().flush()  # audit rows reference it; there is no ORM relationship
    audit.record(
        "client.created",
        client_id=client.id,
        actor=actor,
        target=client,
        details={"device_policy": device_policy},
    )
    users.create_user(
        client=client,
        email=admin["email"],
        name=admin["name"],
        role="admin",
        password=admin["password"],
        actor=actor,
    )
    return client


def _check_name_free(name: str, *, other_than: Client | None = None) -> None:
    """409 `client_name_taken` when another client has this name, ignoring case.

    The unique index on lower(name) is the final word under concurrency.
    """
    stmt = select(Client.id).where(func.lower(Client.name) == name.lower())
    if other_than is not None:
        stmt = stmt.where(Client.id != other_than.id)
    if db.session().scalar(stmt.limit(1)) is not None:
        raise Conflict("A client with this name exists.", code="client_name_taken")


def find_by_name(name: str) -> Client | None:
    """The client called `name`, ignoring case."""
    return db.session().scalar(
        select(Client).where(func.lower(Client.name) == name.lower())
    )


def update_client(client: Client, changes: dict[str, Any], *, actor: Actor) -> Client:
    if "name" in changes:
        _check_name_free(changes["name"], other_than=client)
    changed = sorted(k for k, v in changes.items() if getattr(client, k) != v)
    for key in changed:
        setattr(client, key, changes[key])
    if changed:
        client.updated_at = utcnow()
        audit.record(
            "client.updated",
            client_id=client.id,
            actor=actor,
            target=client,
            details={k: changes[k] for k in changed},
        )
    return client


def list_clients(args: dict[str, Any]) -> Page:
    stmt = select(Client)
    return keyset_page(
        stmt, (Client.created_at, Client.id), (datetime, uuid.UUID), args
    )
