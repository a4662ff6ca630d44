"""The company admin's users: create or invite, list, read, update, deactivate,
reactivate, send an invitation again, send a password-reset link."""

import uuid

from flask_restx import Namespace

from models import User
from opsx_api.api.admin_base import AdminResource
from opsx_api.api.base import dump_page, dump_with, use_args, use_schema
from opsx_api.auth.identity import current_identity
from opsx_api.schemas.auth import AdminSessionSchema
from opsx_api.schemas.users import (
    AdminUserSchema,
    DeactivateSchema,
    DeactivationReceiptSchema,
    LinkSentSchema,
    UserCreateSchema,
    UserListArgsSchema,
    UserUpdateSchema,
)
from opsx_api.services import accounts, users
from opsx_api.tenancy import own_client, tenant_get_or_404, tenant_id

ns = Namespace("admin-users", description="Company users (company admins)")
user_schema = AdminUserSchema()


@ns.route("")
class UserListResource(AdminResource):
    @use_args(UserListArgsSchema())
    @dump_page(user_schema)
    def get(self, args):
        """My company's users, newest first (`q`, `status`, keyset pages)."""
        return users.list_users(tenant_id(), args)

    @ns.response(409, "email_taken", "Error")
    @use_schema(UserCreateSchema())
    @dump_with(user_schema, 201)
    def post(self, data):
        """Create a member or admin of my company, or invite one (no password).

        Without `password` the user is `invited`: they are emailed a link (valid
        72 hours) to choose a password, and cannot log in until they have.
        """
        return accounts.create_user(
            client=own_client(), actor=current_identity(), **data
        )


@ns.route("/<uuid:user_id>")
@ns.response(404, "Not found (or another company's)", "Error")
class UserResource(AdminResource):
    @dump_with(user_schema)
    def get(self, user_id: uuid.UUID):
        """One of my company's users."""
        return tenant_get_or_404(User, user_id)

    @use_schema(UserUpdateSchema())
    @dump_with(user_schema)
    def patch(self, data, user_id: uuid.UUID):
        """Rename a user or change their role (member | admin)."""
        user = tenant_get_or_404(User, user_id)
        return users.update_user(user, data, actor=current_identity())


@ns.route("/<uuid:user_id>/deactivate")
class UserDeactivateResource(AdminResource):
    @use_schema(DeactivateSchema())
    @dump_with(DeactivationReceiptSchema())
    def post(self, data, user_id: uuid.UUID):
        """Deactivate a user and revoke every token and push registration."""
        user = tenant_get_or_404(User, user_id)
        return users.deactivate(user, actor=current_identity(), reason=data["reason"])


@ns.route("/<uuid:user_id>/reactivate")
class UserReactivateResource(AdminResource):
    @dump_with(user_schema)
    def post(self, user_id: uuid.UUID):
        """Let a user log in again (sessions do not come back)."""
        user = tenant_get_or_404(User, user_id)
        return users.reactivate(user, actor=current_identity())


@ns.route("/<uuid:user_id>/invitation")
@ns.response(404, "Not found (or another company's)", "Error")
class UserInvitationResource(AdminResource):
    support = "never"  # who may log in is the company's own business

    @ns.response(
        409,
        "already_active: the user has set a password; "
        "user_deactivated: reactivate the user first",
        "Error",
    )
    @dump_with(LinkSentSchema(), 202)
    def post(self, user_id: uuid.UUID):
        """Email an invited user a fresh invitation; the previous link dies."""
        user = tenant_get_or_404(User, user_id)
        return accounts.resend_invitation(user, actor=current_identity())


@ns.route("/<uuid:user_id>/password-reset")
@ns.response(404, "Not found (or another company's)", "Error")
class UserPasswordResetResource(AdminResource):
    support = "never"  # a password is the user's own; support never sends one

    @ns.response(
        409,
        "invitation_pending: no password yet, send the invitation; "
        "user_deactivated: reactivate the user first",
        "Error",
    )
    @dump_with(LinkSentSchema(), 202)
    def post(self, user_id: uuid.UUID):
        """Email a user a link to choose a new password (30 minutes).

        I never see or set the password. Their sessions end when they set it.
        """
        user = tenant_get_or_404(User, user_id)
        return accounts.send_reset(user, actor=current_identity())


@ns.route("/<uuid:user_id>/sessions")
class UserSessionsResource(AdminResource):
    @dump_page(AdminSessionSchema())
    def get(self, user_id: uuid.UUID):
        """The user's device session(s), live and the 20 most recent."""
        return users.user_sessions(tenant_get_or_404(User, user_id))
