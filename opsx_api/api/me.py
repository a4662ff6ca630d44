"""The caller's own account."""

from flask_restx import Namespace

from opsx_api.api.base import OwnAccountResource, dump_with, use_schema
from opsx_api.auth.identity import current_identity, current_user
from opsx_api.request_info import client_country, client_ip
from opsx_api.schemas.auth import TokenPairSchema
from opsx_api.schemas.users import MeUpdateSchema, PasswordChangeSchema, UserSchema
from opsx_api.services import users

ns = Namespace("me", description="My account")


@ns.route("")
class MeResource(OwnAccountResource):
    @dump_with(UserSchema())
    def get(self):
        """My profile."""
        return current_user()

    @use_schema(MeUpdateSchema())
    @dump_with(UserSchema())
    def patch(self, data):
        """Change my name or email."""
        return users.update_user(current_user(), data, actor=current_identity())


@ns.route("/password")
class PasswordResource(OwnAccountResource):
    @ns.response(403, "invalid_credentials: the current password is wrong", "Error")
    @ns.response(429, "too_many_attempts, with Retry-After", "Error")
    @use_schema(PasswordChangeSchema())
    @dump_with(TokenPairSchema())
    def post(self, data):
        """Change my password: every earlier token dies; this device gets a new pair.

        A wrong current password counts as a failed login.
        """
        return users.change_password(
            current_identity(),
            data["current_password"],
            data["new_password"],
            ip=client_ip(),
            country=client_country(),
        )
