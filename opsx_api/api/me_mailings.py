"""My newsletter subscription and the friends I referred."""

from flask_restx import Namespace

from opsx_api.api.base import (
    OwnAccountResource,
    dump_page,
    dump_with,
    use_args,
    use_schema,
)
from opsx_api.auth.identity import current_identity, current_user
from opsx_api.pagination import PageArgsSchema
from opsx_api.schemas.mailings import (
    NewsletterStatusSchema,
    ReferralCreateSchema,
    ReferralSchema,
)
from opsx_api.services import newsletter, referrals

ns = Namespace("me-mailings", description="My newsletter and my referrals")


@ns.route("/newsletter")
class MyNewsletterResource(OwnAccountResource):
    @dump_with(NewsletterStatusSchema())
    def get(self):
        """Whether I receive the newsletter."""
        return {"subscribed": newsletter.is_subscribed(current_user())}

    @use_schema(NewsletterStatusSchema())
    @dump_with(NewsletterStatusSchema())
    def put(self, data):
        """Subscribe my address (at once) or unsubscribe it."""
        return {"subscribed": newsletter.set_mine(current_user(), data["subscribed"])}


@ns.route("/referrals")
class MyReferralListResource(OwnAccountResource):
    @use_args(PageArgsSchema())
    @dump_page(ReferralSchema())
    def get(self, args):
        """The friends I referred, newest first."""
        return referrals.list_mine(current_user(), args)

    @ns.response(409, "already_referred: this address already", "Error")
    @ns.response(429, "too_many_attempts, with Retry-After", "Error")
    @use_schema(ReferralCreateSchema())
    @dump_with(ReferralSchema(), 201)
    def post(self, data):
        """Refer a friend: they get one invitation with a link to remove their data.

        Their name and email are kept only to send it and to count whether it
        converted, and erased after OPSX_REFERRAL_RETENTION_DAYS otherwise.
        """
        return referrals.refer(
            current_identity(), name=data["name"], email=data["email"]
        )
