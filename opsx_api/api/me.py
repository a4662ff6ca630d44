"""The caller's own account."""

from flask_restx import Namespace

from opsx_api.api.base import BaseResource, dump_with, no_content, use_schema
from opsx_api.auth.identity import current_identity, own_identity
from opsx_api.schemas.users import MeUpdateSchema, PasswordChangeSchema, UserSchema
from opsx_api.services import users

ns = Namespace("me", description="My account")


def _own_user():
    return own_identity().user


@ns.route("")
class MeResource(BaseResource):
    @dump_with(UserSchema())
    def get(self):
        """My profile."""
        return _own_user()

    @use_schema(MeUpdateSchema())
    @dump_with(UserSchema())
    def patch(self, data):
        """Change my name or email."""
        return users.update_user(_own_user(), data, actor=current_identity())


@ns.route("/password")
class PasswordResource(BaseResource):
    @ns.response(403, "invalid_credentials: the current password is wrong", "Error")
    @use_schema(PasswordChangeSchema())
    @no_content
    def post(self, data):
        """Change my password; my other sessions are revoked."""
        _own_user()
        users.change_password(
            current_identity(), data["current_password"], data["new_password"]
        )
