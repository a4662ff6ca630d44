"""Who acts: the one type services take as `actor` and the audit trail records.

Built in one place each: `current_identity()` for the API (an `Identity` is an
Actor), `Actor.of(user)` for a person acting through the CLI or a service on
their behalf, `Actor.system()` for the platform itself (CLI without a named
operator, retention, reuse detection).
"""

import uuid
from dataclasses import dataclass
from typing import Protocol

from opsx_api.errors import NotFound

SYSTEM_ROLE = "system"


@dataclass(frozen=True)
class SupportContext:
    """Who from support is acting, under which grant and session, with what scope."""

    staff_id: uuid.UUID
    grant_id: uuid.UUID
    session_id: uuid.UUID
    scope: str


class Person(Protocol):
    """What `Actor.of` needs of a user row."""

    @property
    def id(self) -> uuid.UUID: ...

    @property
    def role(self) -> str: ...

    @property
    def client_id(self) -> uuid.UUID | None: ...


@dataclass(frozen=True, kw_only=True)
class Actor:
    """A person acting as themselves, support acting for a client, or the system.

    `role` is the effective role (a support session acts as the client's
    admin); `support` says who from support is behind it.
    """

    user_id: uuid.UUID | None
    role: str
    client_id: uuid.UUID | None
    support: SupportContext | None = None

    @classmethod
    def system(cls) -> "Actor":
        return cls(user_id=None, role=SYSTEM_ROLE, client_id=None)

    @classmethod
    def of(cls, user: Person) -> "Actor":
        return cls(user_id=user.id, role=user.role, client_id=user.client_id)

    @property
    def tenant_id(self) -> uuid.UUID:
        """The client this actor works for; staff without one see no tenant data."""
        if self.client_id is None:
            raise NotFound()
        return self.client_id

    @property
    def is_support(self) -> bool:
        return self.support is not None

    @property
    def audit_id(self) -> uuid.UUID | None:
        """Whom the audit trail names: the staff member behind a support session."""
        return self.support.staff_id if self.support else self.user_id

    @property
    def audit_role(self) -> str:
        return "support" if self.support else self.role
