"""Retention for prospects: what `flask admin purge` removes.

- Idempotency keys older than `OPSX_IDEMPOTENCY_TTL_HOURS` (24).
- The personal data of prospects deleted more than `OPSX_PROSPECT_SCRUB_DAYS`
  (30) days ago: the tombstone stays for the changes feed, the data goes.
"""

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from models import Prospect
from opsx_api import db
from opsx_api.clock import utcnow
from opsx_api.services import idempotency
from opsx_api.services.prospects.erasure import scrub, scrub_related

BATCH = 500


def purge(*, dry_run: bool = False) -> dict[str, int]:
    """Purge expired idempotency keys and scrub old tombstones; the counts."""
    return {
        "idempotency_keys": idempotency.purge_expired(dry_run=dry_run),
        "prospects_scrubbed": scrub_deleted(dry_run=dry_run),
    }


def scrub_deleted(*, dry_run: bool = False) -> int:
    """Erase the data of prospects deleted before the grace period, in batches."""
    days = current_app.config["PROSPECT_SCRUB_DAYS"]
    cutoff = utcnow() - timedelta(days=days)
    stmt = select(Prospect).where(
        Prospect.deleted_at <= cutoff, Prospect.erased_at.is_(None)
    )
    if dry_run:
        return len(db.session().scalars(stmt.with_only_columns(Prospect.id)).all())
    total = 0
    while rows := list(db.session().scalars(stmt.limit(BATCH).with_for_update())):
        now = utcnow()
        for client_id in {row.client_id for row in rows}:
            scrub_related(client_id, [r.id for r in rows if r.client_id == client_id])
        for row in rows:
            scrub(row, now)
        total += len(rows)
    return total
