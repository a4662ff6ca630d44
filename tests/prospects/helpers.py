"""Direct database helpers for the prospects tests (bulk rows without HTTP)."""

import uuid
from datetime import timedelta

from models import Prospect
from opsx_api import db
from opsx_api.clock import utcnow
from opsx_api.services.prospects import sync


def insert_prospects(app, tenant, count: int, **values) -> list[uuid.UUID]:
    """`count` prospects of `tenant`'s company, one second apart, oldest first."""
    with app.app_context():
        first = sync.allocate(tenant.client.id, count)
        start = utcnow() - timedelta(seconds=count)
        rows = [
            Prospect(
                id=uuid.uuid4(),
                client_id=tenant.client.id,
                name=values.get("name", f"Bulk {n:04d}"),
                status=values.get("status", "new"),
                fields={},
                version=1,
                change_seq=first + n,
                created_at=start + timedelta(seconds=n),
                updated_at=start + timedelta(seconds=n),
            )
            for n in range(count)
        ]
        db.session().add_all(rows)
        db.session().commit()
        return [row.id for row in rows]
