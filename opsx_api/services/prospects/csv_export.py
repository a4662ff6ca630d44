"""Export a client's live prospects as CSV (company admins)."""

import csv
import io
import uuid
from collections.abc import Iterator

from sqlalchemy import func, select

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

CHUNK_ROWS = 500


def export_csv(client_id: uuid.UUID, *, actor: Actor) -> Iterator[str]:
    """Audit the export, then the CSV text, in chunks, oldest prospect first."""
    live = select(Prospect.fields).where(
        Prospect.client_id == client_id, Prospect.deleted_at.is_(None)
    )
    rows = db.session().scalar(select(func.count()).select_from(live.subquery()))
    audit.record(
        "prospect.exported", client_id=client_id, actor=actor, details={"rows": rows}
    )
    keys = sorted({key for fields in _stream(live) for key in fields})
    users = select(User.id, User.email).where(User.client_id == client_id)
    emails = dict(db.session().execute(users).all())
    return _lines(client_id, keys, emails)


def _lines(client_id, keys: list[str], emails: dict) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([*COLUMNS, *READ_ONLY, *(FIELD_PREFIX + key for key in keys)])
    stmt = (
        select(Prospect)
        .where(Prospect.client_id == client_id, Prospect.deleted_at.is_(None))
        .order_by(Prospect.created_at, Prospect.id)
    )
    for count, prospect in enumerate(_stream(stmt), 1):
        writer.writerow(_row(prospect, keys, emails))
        if count % CHUNK_ROWS == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _stream(stmt):
    return db.session().scalars(stmt.execution_options(yield_per=CHUNK_ROWS))


def _row(p: Prospect, keys: list[str], emails: dict) -> list[str]:
    values = [
        str(p.id),
        p.external_id,
        p.name,
        p.phone,
        p.email,
        p.status,
        p.address,
        p.lat,
        p.lng,
        emails.get(p.assigned_to) if p.assigned_to else None,
        p.version,
        p.created_at.isoformat(),
        p.updated_at.isoformat(),
    ]
    values += [p.fields.get(key) for key in keys]
    return [cell(value) for value in values]
