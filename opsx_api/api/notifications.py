"""Company broadcasts: an admin messages the company's users; delivery counts."""

import uuid

from flask_restx import Namespace

from models import Broadcast
from opsx_api.api.admin_base import AdminResource
from opsx_api.api.base import dump_page, dump_with, use_args, use_schema
from opsx_api.auth.identity import current_identity
from opsx_api.pagination import PageArgsSchema
from opsx_api.schemas.notifications import (
    BroadcastCreateSchema,
    BroadcastQueuedSchema,
    BroadcastSchema,
)
from opsx_api.services import notifications
from opsx_api.tenancy import tenant_get_or_404, tenant_id

ns = Namespace("admin-notifications", description="Broadcasts (company admins)")
broadcast_schema = BroadcastSchema()


@ns.route("")
class BroadcastListResource(AdminResource):
    support = "write"

    @use_args(PageArgsSchema())
    @dump_page(broadcast_schema)
    def get(self, args):
        """My company's broadcasts, newest first, with delivery counts."""
        return notifications.list_broadcasts(tenant_id(), args)

    @use_schema(BroadcastCreateSchema())
    @dump_with(BroadcastQueuedSchema(), 202)
    def post(self, data):
        """Broadcast a message to my company's users (all active ones by default).

        Every recipient gets it in the inbox; each push-registered device also
        gets a push, delivered by the worker. Answers at once with what was queued.
        """
        return notifications.broadcast(
            tenant_id(),
            title=data["title"],
            body=data["body"],
            user_ids=data.get("user_ids"),
            actor=current_identity(),
        )


@ns.route("/<uuid:broadcast_id>")
@ns.response(404, "Not found (or another company's)", "Error")
class BroadcastResource(AdminResource):
    @dump_with(broadcast_schema)
    def get(self, broadcast_id: uuid.UUID):
        """One broadcast, with its pushes counted by status."""
        row = tenant_get_or_404(Broadcast, broadcast_id)
        return notifications.with_counts([row])[0]
