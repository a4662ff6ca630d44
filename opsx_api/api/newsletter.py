"""The public newsletter endpoints: subscribe (double opt-in), confirm, and
unsubscribe from the link in every issue. No login."""

from flask_restx import Namespace

from opsx_api.api.base import PublicResource, dump_with, use_schema
from opsx_api.request_info import client_ip
from opsx_api.schemas.auth import AcceptedSchema, LinkTokenSchema
from opsx_api.schemas.mailings import DoneSchema, SubscriptionRequestSchema
from opsx_api.services import newsletter

ns = Namespace("newsletter", description="The newsletter (no login)")
SUBSCRIPTION_ACCEPTED = {
    "message": "Thank you. If this address can receive the newsletter, a link to "
    "confirm the subscription is on its way."
}


@ns.route("/subscriptions")
@ns.doc(security=[])
class SubscriptionResource(PublicResource):
    @ns.response(429, "too_many_attempts from this IP, with Retry-After", "Error")
    @use_schema(SubscriptionRequestSchema())
    @dump_with(AcceptedSchema(), 202)
    def post(self, data):
        """Subscribe an address: a link to confirm it is emailed (double opt-in).

        The answer is the same for every address: new, pending, already
        subscribed or an account's, throttled for that address or not (then
        no email is sent).
        """
        newsletter.request_subscription(data["email"], ip=client_ip())
        return SUBSCRIPTION_ACCEPTED


@ns.route("/confirmation")
@ns.doc(security=[])
class ConfirmationResource(PublicResource):
    @ns.response(400, "invalid_token: forged, altered, expired or gone", "Error")
    @use_schema(LinkTokenSchema())
    @dump_with(DoneSchema())
    def post(self, data):
        """Confirm a subscription from the link in its confirmation email."""
        newsletter.confirm(data["token"])
        return {"message": "The address is subscribed."}


@ns.route("/unsubscribe")
@ns.doc(security=[])
class UnsubscribeResource(PublicResource):
    @ns.response(400, "invalid_token: forged or altered", "Error")
    @use_schema(LinkTokenSchema())
    @dump_with(DoneSchema())
    def post(self, data):
        """Unsubscribe with the signed token of a newsletter's link (idempotent)."""
        newsletter.unsubscribe(data["token"])
        return {"message": "The address is unsubscribed."}
