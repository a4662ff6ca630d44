"""Auth: login on one device, refresh with rotation, logout, the device session,
and the emailed links: password reset, setting a password, email confirmation."""

from flask_restx import Namespace

from opsx_api.api.base import (
    OwnAccountResource,
    PublicResource,
    dump_with,
    no_content,
    use_schema,
)
from opsx_api.auth.identity import current_identity
from opsx_api.request_info import client_country, client_ip
from opsx_api.schemas.auth import (
    AcceptedSchema,
    EmailConfirmedSchema,
    LinkTokenSchema,
    LoginSchema,
    PasswordResetRequestSchema,
    PasswordSetSchema,
    PushTokenSchema,
    RefreshSchema,
    SessionSchema,
    TokenPairSchema,
)
from opsx_api.services import accounts, auth, email_change
from opsx_api.services.emails import human_duration
from opsx_api.services.links import TTL

ns = Namespace("auth", description="Login, tokens and the device session")
token_pair_schema = TokenPairSchema()
RESET_ACCEPTED = {
    "message": "If this address belongs to an active OpsX account, a link to "
    "choose a new password is on its way. It works once, for "
    f"{human_duration(TTL['password_reset'])}."
}


@ns.route("/login")
@ns.doc(security=[])
class LoginResource(PublicResource):
    @ns.response(401, "invalid_credentials", "Error")
    @ns.response(409, "device_conflict: signed in on another device", "Error")
    @ns.response(429, "too_many_attempts, with Retry-After", "Error")
    @use_schema(LoginSchema())
    @dump_with(token_pair_schema)
    def post(self, data):
        """Log in on this device and get tokens bound to it."""
        return auth.login(data, ip=client_ip(), country=client_country())


@ns.route("/refresh")
@ns.doc(security=[])
class RefreshResource(PublicResource):
    @ns.response(401, "invalid_grant", "Error")
    @use_schema(RefreshSchema())
    @dump_with(token_pair_schema)
    def post(self, data):
        """Exchange the refresh token for a new pair (the old one stops working)."""
        return auth.refresh(data["refresh_token"])


@ns.route("/logout")
class LogoutResource(OwnAccountResource):
    @no_content
    def post(self):
        """End this device session and its push registration."""
        auth.logout(current_identity())


@ns.route("/session")
class SessionResource(OwnAccountResource):
    @dump_with(SessionSchema())
    def get(self):
        """The current device session."""
        return current_identity().session


@ns.route("/session/push-token")
class PushTokenResource(OwnAccountResource):
    @use_schema(PushTokenSchema())
    @no_content
    def put(self, data):
        """Attach this device's FCM token (null detaches it)."""
        auth.set_push_token(current_identity(), data["push_token"])


@ns.route("/password-reset")
@ns.doc(security=[])
class PasswordResetResource(PublicResource):
    @ns.response(429, "too_many_attempts from this IP, with Retry-After", "Error")
    @use_schema(PasswordResetRequestSchema())
    @dump_with(AcceptedSchema(), 202)
    def post(self, data):
        """Email me a link to choose a new password (it works once, 30 minutes).

        The answer is the same for every address: known or not, active or not,
        throttled for that address or not (then no email is sent).
        """
        accounts.request_reset(data["email"], ip=client_ip())
        return RESET_ACCEPTED


@ns.route("/password")
@ns.doc(security=[])
class PasswordSetResource(PublicResource):
    @ns.response(
        400, "invalid_token: forged, used, expired or another purpose's", "Error"
    )
    @use_schema(PasswordSetSchema())
    @no_content
    def post(self, data):
        """Set my password from an invitation or reset link; every session ends.

        An invited user becomes active. A weak password is 422 and leaves the
        link usable.
        """
        accounts.set_password_from_link(data["token"], data["new_password"])


@ns.route("/email-confirmation")
@ns.doc(security=[])
class EmailConfirmationResource(PublicResource):
    @ns.response(
        400, "invalid_token: forged, used, expired or another purpose's", "Error"
    )
    @ns.response(
        409, "email_taken: another account took the address meanwhile", "Error"
    )
    @use_schema(LinkTokenSchema())
    @dump_with(EmailConfirmedSchema())
    def post(self, data):
        """Confirm my new email address from its link; every session ends.

        The pending email becomes the account's email: sign in again with it.
        """
        return email_change.confirm(data["token"])
