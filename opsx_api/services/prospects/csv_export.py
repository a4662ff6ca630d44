"""Export a client's live prospects as CSV (company admins)."""

import csv
import io
import uuid
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from sqlalchemy import ScalarResult, Select, func, select

from models import Prospect, User
from opsx_api import db
from opsx_api.actor import Actor
from opsx_api.services import audit
from opsx_api.services.prospects.csv_format import (
    COLUMNS,
    FIELD_PREFIX,
    READ_ONLY,
    cell,
)
from opsx_api.tenancy import of_client

CHUNK_ROWS = 500
T = TypeVar("T")


# The file's columns: (header, value of a prospect). One list drives the header
# and every row, so they cannot drift apart. Custom fields follow as `fields.<key>`.
Getter = Callable[[Prospect, dict[uuid.UUID, str]], Any]
EXPORTED: list[tuple[str, Getter]] = [
    ("id", lambda p, _: str(p.id)),
    ("external_id", lambda p, _: p.external_id),
    ("name", lambda p, _: p.name),
    ("phone", lambda p, _: p.phone),
    ("email", lambda p, _: p.email),
    ("status", lambda p, _: p.status),
    ("address", lambda p, _: p.address),
    ("lat", lambda p, _: p.lat),
    ("lng", lambda p, _: p.lng),
    ("assigned_to", lambda p, emails: p.assigned_to and emails.get(p.assigned_to)),
    ("version", lambda p, _: p.version),
    ("created_at", lambda p, _: p.created_at.isoformat()),
    ("updated_at", lambda p, _: p.updated_at.isoformat()),
]
assert [name for name, _ in EXPORTED] == [*COLUMNS, *READ_ONLY]  # what import reads


def export_csv(client_id: uuid.UUID, *, actor: Actor) -> Iterator[str]:
    """Audit the export, then the CSV text, in chunks, oldest prospect first."""
    live = select(Prospect.fields).where(
        Prospect.client_id == client_id, Prospect.deleted_at.is_(None)
    )
    rows = db.session().scalar(select(func.count()).select_from(live.subquery()))
    audit.record(
        "prospect.exported", client_id=client_id, actor=actor, details={"rows": rows}
    )
    field_sets: ScalarResult[dict[str, Any]] = _stream(live)
    keys = sorted({key for fields in field_sets for key in fields})
    users = select(User.id, User.email).where(User.client_id == client_id)
    emails = dict(db.session().execute(users).all())
    return _lines(client_id, keys, emails)


def _lines(
    client_id: uuid.UUID, keys: list[str], emails: dict[uuid.UUID, str]
) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [*(name for name, _ in EXPORTED), *(FIELD_PREFIX + k for k in keys)]
    )
    stmt = (
        of_client(Prospect, client_id)
        .where(Prospect.deleted_at.is_(None))
        .order_by(Prospect.created_at, Prospect.id)
    )
    for count, prospect in enumerate(_stream(stmt), 1):
        writer.writerow(_row(prospect, keys, emails))
        if count % CHUNK_ROWS == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _stream(stmt: Select[T]) -> ScalarResult[T]:
    return db.session().scalars(stmt.execution_options(yield_per=CHUNK_ROWS))


def _row(p: Prospect, keys: list[str], emails: dict[uuid.UUID, str]) -> list[str]:
    values = [get(p, emails) for _, get in EXPORTED]
    values += [p.fields.get(key) for key in keys]
    return [cell(value) for value in values]
