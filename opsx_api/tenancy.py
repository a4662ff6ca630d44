"""The one way to read tenant data: scoped to the caller's client.

Another tenant's object is a 404, exactly like a missing one. Staff without a
client (support without a grant, operators) see no tenant data at all.
"""

import uuid
from typing import Any, TypeVar

from sqlalchemy import Select, select

from models import Client
from opsx_api import db
from opsx_api.auth.identity import current_identity
from opsx_api.errors import NotFound

T = TypeVar("T")


def tenant_id() -> uuid.UUID:
    """The caller's client id; callers without one get 404 for any tenant row."""
    client_id = current_identity().client_id
    if client_id is None:
        raise NotFound()
    return client_id


def of_client(model: type[T], client_id: uuid.UUID) -> Select[T]:
    """`SELECT model` limited to one client's rows: tenant lists start here."""
    column: Any = model.client_id  # type: ignore[attr-defined]  # tenant models
    return select(model).where(column == client_id)


def tenant_get_or_404(model, object_id: uuid.UUID):
    """The caller's client's row with this id, or 404."""
    row = db.session().get(model, object_id)
    if row is None or row.client_id != tenant_id():
        raise NotFound(f"No such {model.__name__.lower()}.")
    return row


def own_client():
    """The caller's own client company (404 for callers without one)."""
    return db.session().get(Client, tenant_id())
