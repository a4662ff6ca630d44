"""Company admins: CSV import and export, and erasure on a person's request."""

import uuid

from flask import Response, request, stream_with_context
from marshmallow import ValidationError

from models import Prospect
from opsx_api.api.admin_base import AdminResource
from opsx_api.api.base import no_content
from opsx_api.api.docs import add_doc
from opsx_api.api.idempotency import replayable
from opsx_api.api.prospects.common import ns
from opsx_api.auth.identity import current_identity
from opsx_api.clock import utcnow
from opsx_api.errors import UnsupportedMediaType
from opsx_api.schemas.prospects import ProspectImportResultSchema
from opsx_api.services import prospects
from opsx_api.tenancy import tenant_get_or_404, tenant_id

CSV_TYPES = ("text/csv", "application/csv")
CSV_BODY = {
    "file": {
        "in": "body",
        "schema": {"type": "string"},
        "description": "the CSV file (Content-Type: text/csv, UTF-8; or a "
        "multipart/form-data upload with the file in the part named `file`); "
        "columns id, "
        "external_id, name, phone, email, status, address, lat, lng, assigned_to "
        "(email or id), fields.<key>; `name` is required",
    }
}


def _csv_upload() -> bytes:
    """The CSV sent raw (text/csv) or as a form's `file` part (a browser upload)."""
    if request.mimetype in CSV_TYPES:
        return request.get_data()
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise ValidationError({"file": ["Attach the CSV as the part named file."]})
        return upload.read()
    raise UnsupportedMediaType("Send text/csv, or multipart/form-data with a file.")


@ns.route("/import")
class ProspectImportResource(AdminResource):
    support = "write"

    @ns.response(413, "payload_too_large: too many rows", "Error")
    @ns.response(
        415, "unsupported_media_type: not text/csv or multipart/form-data", "Error"
    )
    @replayable(ProspectImportResultSchema(), 200)
    def post(self):
        """Import prospects from CSV: good rows in, bad rows listed by line.

        Importing the same file again changes nothing (see the natural key in
        the README). Honours Idempotency-Key.
        """
        return prospects.import_csv(_csv_upload(), actor=current_identity())

    add_doc(post, params=CSV_BODY, vendor={"consumes": ["text/csv"]})


@ns.route("/export")
class ProspectExportResource(AdminResource):
    @ns.produces(["text/csv"])
    def get(self):
        """Every live prospect as CSV (formula-like cells are neutralised)."""
        lines = prospects.export_csv(tenant_id(), actor=current_identity())
        name = f"prospects-{utcnow():%Y%m%d}.csv"
        return Response(
            stream_with_context(lines),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )


@ns.route("/<uuid:prospect_id>/erase")
@ns.response(404, "Not found (or another company's)", "Error")
class ProspectEraseResource(AdminResource):
    support = "write"

    @no_content
    def post(self, prospect_id: uuid.UUID):
        """Erase a prospect's personal data on that person's request.

        Name, phone, email, address, location, fields and notes are gone; the
        row stays as a deleted tombstone so phones drop their copy.
        """
        prospect = tenant_get_or_404(Prospect, prospect_id)
        prospects.erase(prospect, actor=current_identity())
