"""My notification inbox: every notification, so a missed push is never lost."""

import uuid

from flask_restx import Namespace

from opsx_api.api.base import OwnAccountResource, dump_page, no_content, use_args
from opsx_api.auth.identity import current_identity
from opsx_api.schemas.notifications import InboxArgsSchema, NotificationSchema
from opsx_api.services import notifications

ns = Namespace("me-notifications", description="My notification inbox")


def _own_user_id() -> uuid.UUID:
    return current_identity().user_id


@ns.route("")
class InboxResource(OwnAccountResource):
    @use_args(InboxArgsSchema())
    @dump_page(NotificationSchema())
    def get(self, args):
        """My notifications, newest first (`unread`, keyset pages)."""
        return notifications.inbox(_own_user_id(), args)


@ns.route("/<uuid:notification_id>/read")
@ns.response(404, "Not found (or someone else's)", "Error")
class InboxReadResource(OwnAccountResource):
    @no_content
    def post(self, notification_id: uuid.UUID):
        """Mark one of my notifications read (repeating it is harmless)."""
        notifications.mark_read(_own_user_id(), notification_id)
