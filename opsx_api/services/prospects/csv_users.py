"""Who an import's `assigned_to` cell names: a user's email or id."""

import uuid
from typing import Any

from sqlalchemy import select

from models import TENANT_ROLES, User
from opsx_api import db


class UserDirectory:
    """The client's active members and admins, by lower-cased email and by id."""

    def __init__(self, client_id: uuid.UUID):
        users = db.session().scalars(
            select(User).where(
                User.client_id == client_id,
                User.status == "active",
                User.role.in_(TENANT_ROLES),
            )
        )
        self.by_ref = {}
        for user in users:
            self.by_ref[user.email.lower()] = user.id
            self.by_ref[str(user.id)] = user.id

    def resolve(self, ref: str, errors: dict[str, Any]) -> str | None:
        """The user id for `ref`, or None with a message in `errors`."""
        user_id = self.by_ref.get(ref.strip().lower())
        if user_id is None:
            errors["assigned_to"] = ["No active user of this company has this email."]
            return None
        return str(user_id)
