"""Client companies: creation with a first admin, and their settings."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select

from models import Client
from opsx_api import db
from opsx_api.actor import Actor
from opsx_api.clock import utcnow
from opsx_api.pagination import Page, keyset_page
from opsx_api.services import audit, credentials, users


def create_client(
    *, name: str, device_policy: str, admin: dict[str, Any], actor: Actor
) -> Client:
    """A client and its first admin, in one transaction."""
    credentials.check_password(
        admin["password"], email=admin["email"], name=admin["name"]
    )
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


def update_client(client: Client, changes: dict[str, Any], *, actor: Actor) -> Client:
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
