"""The company's audit trail, read-only."""

from flask_restx import Namespace

from opsx_api.api.admin_base import AdminResource
from opsx_api.api.base import dump_page, use_args
from opsx_api.schemas.audit import AuditArgsSchema, AuditEventSchema
from opsx_api.services import audit
from opsx_api.tenancy import tenant_id

ns = Namespace("admin-audit", description="Audit trail (company admins)")


@ns.route("")
class AuditEventListResource(AdminResource):
    # A support session can neither read nor alter any company's trail.
    support = "never"

    @use_args(AuditArgsSchema())
    @dump_page(AuditEventSchema())
    def get(self, args):
        """My company's audit events, newest first (`since`, `action`, `actor_id`)."""
        return audit.list_events(tenant_id(), args)
