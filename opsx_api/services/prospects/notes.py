"""Activity notes on a prospect (calls, visits). Not part of the changes feed."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select

from models import Prospect, ProspectNote
from opsx_api import db
from opsx_api.actor import Actor
from opsx_api.clock import utcnow
from opsx_api.pagination import Page, keyset_page


def list_notes(prospect: Prospect, args: dict[str, Any]) -> Page:
    """A page of the prospect's notes, newest first."""
    stmt = select(ProspectNote).where(
        ProspectNote.client_id == prospect.client_id,
        ProspectNote.prospect_id == prospect.id,
    )
    columns = (ProspectNote.created_at, ProspectNote.id)
    return keyset_page(stmt, columns, (datetime, uuid.UUID), args)


def add_note(prospect: Prospect, body: str, *, actor: Actor) -> ProspectNote:
    """A note on a prospect (no commit).

    A note leaves the prospect's version alone, so writing one never makes a
    colleague's pending edit stale.
    """
    note = ProspectNote(
        id=uuid.uuid4(),
        client_id=prospect.client_id,
        prospect_id=prospect.id,
        author_id=actor.user_id,
        body=body,
        created_at=utcnow(),
    )
    db.session().add(note)
    db.session().flush()
    return note
