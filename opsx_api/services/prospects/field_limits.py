"""Limits on custom fields: per prospect, and distinct keys per client.

Without them one member could give every prospect fifty new keys, and the
admin's CSV export (one column per key) would grow to thousands of columns.
The limits are settings (`OPSX_FIELDS_*`); a breach is 422
`field_limit_exceeded` with `details.limit` naming the limit and
`details.max` its value. The CSV import reports it on the row instead.

Keys a client uses are registered in `prospect_field_keys` when first used.
Registering new keys takes a per-client lock (an advisory lock on
PostgreSQL; SQLite serialises writers anyway) and counts again under it, so
concurrent writers cannot overshoot the client's budget.
"""

import uuid
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import select, text

from models import ProspectFieldKey
from opsx_api import db
from opsx_api.clock import utcnow
from opsx_api.errors import FieldLimitExceeded


@dataclass(frozen=True)
class FieldLimits:
    keys: int
    client_keys: int
    key_length: int
    value_length: int

    @classmethod
    def current(cls) -> "FieldLimits":
        config = current_app.config
        return cls(
            keys=config["FIELDS_MAX_KEYS"],
            client_keys=config["FIELDS_MAX_CLIENT_KEYS"],
            key_length=config["FIELDS_KEY_MAX_LENGTH"],
            value_length=config["FIELDS_VALUE_MAX_LENGTH"],
        )


def _exceeded(
    limit: str, maximum: int, message: str, **details: Any
) -> FieldLimitExceeded:
    return FieldLimitExceeded(
        message, details={"limit": limit, "max": maximum, **details}
    )


def check_prospect(fields: dict[str, Any], limits: FieldLimits) -> None:
    """One prospect's fields: how many keys, how long each key and text."""
    if len(fields) > limits.keys:
        raise _exceeded(
            "keys_per_prospect", limits.keys, f"At most {limits.keys} fields."
        )
    for key, value in fields.items():
        if len(key) > limits.key_length:
            message = f"Keys are at most {limits.key_length} characters."
            raise _exceeded("key_length", limits.key_length, message, key=key[:64])
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(t, str) and len(t) > limits.value_length for t in texts):
            message = f"Texts are at most {limits.value_length} characters."
            raise _exceeded("value_length", limits.value_length, message, key=key)


class ClientFieldKeys:
    """A client's registered keys, admitting a prospect's fields within budget."""

    def __init__(self, client_id: uuid.UUID, limits: FieldLimits | None = None):
        self.client_id = client_id
        self.limits = limits or FieldLimits.current()
        self._known: set[str] | None = None
        self._added: set[str] = set()  # registered here, maybe not flushed yet

    def admit(self, fields: dict[str, Any]) -> None:
        """Check the prospect limits and register new keys (or 422)."""
        check_prospect(fields, self.limits)
        if not fields or not set(fields) - self._keys():
            return
        _lock_client(self.client_id)
        self._known = None  # another writer may have registered keys meanwhile
        new = set(fields) - self._keys()
        if len(self._keys()) + len(new) > self.limits.client_keys:
            budget = self.limits.client_keys
            message = f"This company's prospects use at most {budget} field keys."
            raise _exceeded("keys_per_client", budget, message, new=sorted(new)[:10])
        now = utcnow()
        db.session().add_all(
            ProspectFieldKey(client_id=self.client_id, key=key, created_at=now)
            for key in new
        )
        self._added |= new

    def _keys(self) -> set[str]:
        if self._known is None:
            stmt = select(ProspectFieldKey.key).where(
                ProspectFieldKey.client_id == self.client_id
            )
            self._known = set(db.session().scalars(stmt))
        return self._known | self._added


def _lock_client(client_id: uuid.UUID) -> None:
    """Serialise key registration per client until the transaction ends."""
    if db.get_db().dialect == "postgresql":
        key = int.from_bytes(client_id.bytes[:8], "big", signed=True)
        db.session().execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
