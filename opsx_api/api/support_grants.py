"""The company admin's support grants: let support in, see who came, cut it off."""

import uuid

from flask_restx import Namespace

from models import SupportGrant
from opsx_api.api.admin_base import AdminResource
from opsx_api.api.base import dump_page, dump_with, no_content, use_args, use_schema
from opsx_api.auth.identity import current_identity
from opsx_api.pagination import PageArgsSchema
from opsx_api.schemas.support import (
    SupportGrantChangeSchema,
    SupportGrantCreateSchema,
    SupportGrantSchema,
    SupportSessionSchema,
)
from opsx_api.services import support
from opsx_api.tenancy import tenant_get_or_404, tenant_id

ns = Namespace("admin-support-grants", description="Support access (company admins)")
grant_schema = SupportGrantSchema()


class GrantAdminResource(AdminResource):
    """Company admins only; a support session can never manage its own access."""

    support = "never"


@ns.route("")
class SupportGrantListResource(GrantAdminResource):
    @use_args(PageArgsSchema())
    @dump_page(grant_schema)
    def get(self, args):
        """My company's support grants, live and past, newest first."""
        return support.list_grants(tenant_id(), args)

    @use_schema(SupportGrantCreateSchema())
    @dump_with(grant_schema, 201)
    def post(self, data):
        """Let support in: scope (read | write), reason, duration (1..168 hours)."""
        return support.create_grant(
            client_id=tenant_id(), actor=current_identity(), **data
        )


@ns.route("/<uuid:grant_id>")
@ns.response(404, "Not found (or another company's)", "Error")
class SupportGrantResource(GrantAdminResource):
    @dump_with(grant_schema)
    def get(self, grant_id: uuid.UUID):
        """One of my company's support grants."""
        return tenant_get_or_404(SupportGrant, grant_id)

    @ns.response(409, "grant_not_live: expired or revoked", "Error")
    @use_schema(SupportGrantChangeSchema())
    @dump_with(grant_schema)
    def patch(self, data, grant_id: uuid.UUID):
        """Extend (or shorten) a live grant: it ends `duration_hours` from now."""
        grant = tenant_get_or_404(SupportGrant, grant_id)
        return support.change_duration(
            grant, data["duration_hours"], actor=current_identity()
        )

    @no_content
    def delete(self, grant_id: uuid.UUID):
        """Revoke a grant at once: its support sessions stop on their next request."""
        grant = tenant_get_or_404(SupportGrant, grant_id)
        support.revoke_grant(grant, actor=current_identity())


@ns.route("/<uuid:grant_id>/sessions")
@ns.response(404, "Not found (or another company's)", "Error")
class SupportGrantSessionsResource(GrantAdminResource):
    @use_args(PageArgsSchema())
    @dump_page(SupportSessionSchema())
    def get(self, args, grant_id: uuid.UUID):
        """Who from support opened sessions on this grant, and when."""
        grant = tenant_get_or_404(SupportGrant, grant_id)
        return support.list_grant_sessions(grant, args)
