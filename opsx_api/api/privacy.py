"""My data: a copy of everything held about me, and deleting my account."""

import json

from flask import Response
from flask_restx import Namespace

from opsx_api.api.base import OwnAccountResource, dump_with, use_schema
from opsx_api.auth.identity import current_identity, current_user
from opsx_api.clock import utcnow
from opsx_api.request_info import client_ip
from opsx_api.schemas.users import DeletionRequestSchema, DeletionScheduledSchema
from opsx_api.services import deletion, personal_export

ns = Namespace("me-privacy", description="My data: export and deletion")


@ns.route("/export")
class ExportResource(OwnAccountResource):
    @ns.produces(["application/json"])
    @ns.response(200, "The export, as a JSON attachment")
    def get(self):
        """Everything the service holds about me, as a JSON file.

        Profile, devices and sign-ins (times, IPs, countries), notifications,
        emails sent to me, audit events about me; no secret and nothing about
        anybody else. Never cached.
        """
        document = personal_export.export(current_user())
        name = f"opsx-export-{utcnow():%Y%m%d}.json"
        return Response(
            json.dumps(document, ensure_ascii=False, indent=2),
            mimetype="application/json",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )


@ns.route("/deletion")
class DeletionResource(OwnAccountResource):
    @ns.response(403, "invalid_credentials: the password is wrong", "Error")
    @ns.response(409, "last_admin: the company's only admin", "Error")
    @ns.response(429, "too_many_attempts, with Retry-After", "Error")
    @use_schema(DeletionRequestSchema())
    @dump_with(DeletionScheduledSchema(), 202)
    def post(self, data):
        """Delete my account: closed now, erased after the grace period.

        Every token and push registration is revoked at once. An email with a
        link to keep the account arrives; after the grace period (30 days by
        default) the personal data is erased for good.
        """
        erase_after = deletion.request_deletion(
            current_identity(), data["password"], ip=client_ip()
        )
        return {"erase_after": erase_after}
