"""The company admin's own client settings."""

from flask_restx import Namespace

from opsx_api.api.admin_base import AdminResource
from opsx_api.api.base import dump_with, use_schema
from opsx_api.auth.identity import current_identity
from opsx_api.schemas.clients import ClientSchema, ClientUpdateSchema
from opsx_api.services import clients
from opsx_api.tenancy import own_client

ns = Namespace("admin-client", description="Company settings (company admins)")


@ns.route("")
class AdminClientResource(AdminResource):
    @dump_with(ClientSchema())
    def get(self):
        """My company's settings."""
        return own_client()

    @ns.response(409, "client_name_taken: another client has the name", "Error")
    @use_schema(ClientUpdateSchema())
    @dump_with(ClientSchema())
    def patch(self, data):
        """Rename the company or change its device policy (reject | replace)."""
        return clients.update_client(own_client(), data, actor=current_identity())
