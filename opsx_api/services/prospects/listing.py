"""Listing and searching prospects: keyset pages, newest first.

Search is a literal, case-insensitive substring of name, phone or email; on
PostgreSQL GIN trigram indexes on `lower(column)` can answer it, and the planner
picks between them and a walk of the newest-first index (see
docs/decisions/prospects.md for the measured shapes).
"""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select

from models import Prospect
from opsx_api.pagination import Page, keyset_page
from opsx_api.search import contains

SEARCHED = (Prospect.name, Prospect.phone, Prospect.email)


def list_prospects(
    client_id: uuid.UUID, args: dict[str, Any], *, user_id: uuid.UUID
) -> Page:
    """A page of live prospects (result rows), newest first: `q`, `status`, ..."""
    stmt = select(*Prospect.__table__.columns).where(
        Prospect.client_id == client_id, Prospect.deleted_at.is_(None)
    )
    if args.get("q"):
        stmt = stmt.where(or_(*(contains(column, args["q"]) for column in SEARCHED)))
    if args.get("status"):
        stmt = stmt.where(Prospect.status == args["status"])
    assignee = args.get("assigned_to")
    if assignee == "none":
        stmt = stmt.where(Prospect.assigned_to.is_(None))
    elif assignee is not None:
        stmt = stmt.where(
            Prospect.assigned_to == (user_id if assignee == "me" else assignee)
        )
    columns = (Prospect.created_at, Prospect.id)
    return keyset_page(stmt, columns, (datetime, uuid.UUID), args, rows_only=True)
