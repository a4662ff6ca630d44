"""The caller's own account."""

from flask_restx import Namespace

from opsx_api.api.base import OwnAccountResource, dump_with, use_schema
from opsx_api.auth.identity import current_identity, current_user
from opsx_api.request_info import client_country, client_ip
from opsx_api.schemas.auth import TokenPairSchema
from opsx_api.schemas.users import MeSchema, MeUpdateSchema, PasswordChangeSchema
from opsx_api.services import email_change, users

ns = Namespace("me", description="My account")


me_schema = MeSchema()


@ns.route("")
class MeResource(OwnAccountResource):
    @dump_with(me_schema)
    def get(self):
        """My profile."""
        return current_user()

    @ns.response(429, "too_many_attempts: too many email changes, Retry-After", "Error")
    @use_schema(MeUpdateSchema())
    @dump_with(me_schema)
    def patch(self, data):
        """Change my name, or ask to change my email.

        A new email is `pending_email` until the link sent to it is confirmed
        (24 hours); the old address gets a notice. The answer is the same
        whether or not the address belongs to another account.
        """
        return email_change.update_profile(current_identity(), data)


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
