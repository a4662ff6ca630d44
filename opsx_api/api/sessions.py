"""The company admin releases a device."""

import uuid

from flask_restx import Namespace

from models import DeviceSession
from opsx_api.api.admin_base import AdminResource
from opsx_api.api.base import no_content
from opsx_api.auth.identity import current_identity
from opsx_api.services import users
from opsx_api.tenancy import tenant_get_or_404

ns = Namespace("admin-sessions", description="Device sessions (company admins)")


@ns.route("/<uuid:session_id>")
@ns.response(404, "Not found (or another company's)", "Error")
class AdminSessionResource(AdminResource):
    @no_content
    def delete(self, session_id: uuid.UUID):
        """Release a device: revoke its session and push registration."""
        row = tenant_get_or_404(DeviceSession, session_id)
        users.release_session(row, actor=current_identity())
