"""Which live prospect an import row speaks of: the natural key of the import.

In order: the row's `id`; else its `external_id`; else the one prospect with
its `email`, else with its `phone` (when the row has an `external_id`, only a
prospect without one is adopted). Several candidates: the row is an error.
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute

from models import Prospect
from opsx_api import db

CHUNK = 500


@dataclass
class Row:
    line: int
    data: dict[str, Any]
    id: uuid.UUID | None
    raw_fields: dict[str, str]


class Matcher:
    """Finds the live prospect a row speaks of (rows and prospects locked)."""

    def __init__(self, client_id: uuid.UUID, rows: list[Row]):
        self.by_id: dict[uuid.UUID, Prospect] = {}
        self.by_ext: dict[str, Prospect] = {}
        self.by_email: dict[str, list[Prospect]] = defaultdict(list)
        self.by_phone: dict[str, list[Prospect]] = defaultdict(list)
        wanted: dict[InstrumentedAttribute[Any], set[Any]] = {
            Prospect.id: {r.id for r in rows if r.id},
            Prospect.external_id: {r.data.get("external_id") for r in rows} - {None},
            Prospect.email: {r.data.get("email") for r in rows} - {None},
            Prospect.phone: {r.data.get("phone") for r in rows} - {None},
        }
        for prospect in _load(client_id, wanted):
            self.remember(prospect)

    def remember(self, prospect: Prospect) -> None:
        if prospect.id in self.by_id:
            return
        self.by_id[prospect.id] = prospect
        if prospect.external_id:
            self.by_ext[prospect.external_id] = prospect
        if prospect.email:
            self.by_email[prospect.email].append(prospect)
        if prospect.phone:
            self.by_phone[prospect.phone].append(prospect)

    def rekey(self, prospect: Prospect) -> None:
        """A row gave `prospect` an external_id: later rows find it by that."""
        if prospect.external_id:
            self.by_ext[prospect.external_id] = prospect

    def match(self, row: Row) -> Prospect | None:
        ext = row.data.get("external_id")
        if row.id is not None:
            return self._by_id(row.id, ext)
        if ext and ext in self.by_ext:
            return self.by_ext[ext]
        for key, index in (("email", self.by_email), ("phone", self.by_phone)):
            value = row.data.get(key)
            candidates = index.get(value, []) if value else []
            if ext:  # a row with its own key adopts only a prospect without one
                candidates = [p for p in candidates if p.external_id is None]
            if len(candidates) > 1:
                message = f"Several prospects have this {key}; add an id column."
                raise ValidationError({key: [message]})
            if candidates:
                return candidates[0]
        return None

    def _by_id(self, prospect_id: uuid.UUID, ext: str | None) -> Prospect:
        found = self.by_id.get(prospect_id)
        if found is None:
            raise ValidationError({"id": ["No prospect of this company has it."]})
        other = self.by_ext.get(ext) if ext else None
        if other is not None and other is not found:
            raise ValidationError({"external_id": ["Another prospect has it."]})
        return found


def _load(
    client_id: uuid.UUID, wanted: dict[InstrumentedAttribute[Any], set[Any]]
) -> list[Prospect]:
    """Live prospects with any of the wanted values, locked, in id order."""
    found: dict[uuid.UUID, Prospect] = {}
    for column, wanted_values in wanted.items():
        values = sorted(wanted_values, key=str)
        for start in range(0, len(values), CHUNK):
            stmt = (
                select(Prospect)
                .where(
                    Prospect.client_id == client_id,
                    Prospect.deleted_at.is_(None),
                    column.in_(values[start : start + CHUNK]),
                )
                .order_by(Prospect.id)
                .with_for_update()
            )
            found.update((p.id, p) for p in db.session().scalars(stmt))
    return sorted(found.values(), key=lambda p: p.id)
