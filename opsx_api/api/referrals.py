"""A referred friend removes their data with the link in the invitation. No login."""

from flask_restx import Namespace

from opsx_api.api.base import PublicResource, dump_with, use_schema
from opsx_api.schemas.auth import LinkTokenSchema
from opsx_api.schemas.mailings import DoneSchema
from opsx_api.services import referrals

ns = Namespace("referrals", description="Referred friends (no login)")


@ns.route("/removal")
@ns.doc(security=[])
class ReferralRemovalResource(PublicResource):
    @ns.response(400, "invalid_token: forged or altered", "Error")
    @use_schema(LinkTokenSchema())
    @dump_with(DoneSchema())
    def post(self, data):
        """Erase my name and email (the friend's link; idempotent)."""
        referrals.remove(data["token"])
        return {"message": "Your name and email address are erased."}
