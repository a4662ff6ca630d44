"""GET/POST /prospects, GET/PATCH/DELETE /prospects/{id}."""

from opsx_api.api.base import (
    dump_with,
    no_content,
    render_page,
    use_args,
    use_schema,
)
from opsx_api.api.idempotency import replayable
from opsx_api.api.prospects.common import (
    ProspectsBase,
    created_headers,
    etag_header,
    if_match,
    ns,
    takes_if_match,
    with_prospect,
)
from opsx_api.auth.identity import current_identity
from opsx_api.schemas.prospects import (
    ProspectCreateSchema,
    ProspectListArgsSchema,
    ProspectSchema,
    ProspectUpdateSchema,
)
from opsx_api.services import prospects
from opsx_api.tenancy import tenant_id

prospect_schema = ProspectSchema()


@ns.route("")
class ProspectListResource(ProspectsBase):
    @use_args(ProspectListArgsSchema())
    @render_page(prospect_schema)
    def get(self, args):
        """My company's live prospects, newest first (`q`, `status`, `assigned_to`)."""
        user_id = current_identity().user_id
        return prospects.list_prospects(tenant_id(), args, user_id=user_id)

    @ns.response(
        422,
        "validation_error; field_limit_exceeded: over an OPSX_FIELDS_* limit",
        "Error",
    )
    @ns.response(409, "external_id_taken", "Error")
    @use_schema(ProspectCreateSchema())
    @replayable(prospect_schema, 201, headers=created_headers)
    def post(self, data):
        """Create a prospect (answers with its ETag; honours Idempotency-Key).

        Assigning it to someone else queues a `prospect_assigned` push to them.
        """
        return prospects.create(data, actor=current_identity())


@ns.route("/<uuid:prospect_id>")
@ns.response(404, "Not found (or deleted, or another company's)", "Error")
class ProspectResource(ProspectsBase):
    @with_prospect
    @dump_with(prospect_schema)
    def get(self, prospect):
        """One prospect, with its ETag."""
        return prospect, etag_header(prospect)

    @ns.response(
        422,
        "validation_error; field_limit_exceeded: over an OPSX_FIELDS_* limit",
        "Error",
    )
    @ns.response(412, "precondition_failed: changed since your If-Match", "Error")
    @ns.response(428, "precondition_required (only if configured)", "Error")
    @with_prospect
    @use_schema(ProspectUpdateSchema())
    @dump_with(prospect_schema)
    @takes_if_match
    def patch(self, data, prospect):
        """Change a prospect (honours If-Match); reassigning pushes to the assignee."""
        updated = prospects.update_prospect(
            prospect, data, actor=current_identity(), if_match=if_match()
        )
        return updated, etag_header(updated)

    @ns.response(412, "precondition_failed: changed since your If-Match", "Error")
    @with_prospect
    @no_content
    @takes_if_match
    def delete(self, prospect):
        """Delete a prospect (honours If-Match); phones get a `delete` change."""
        prospects.delete_prospect(
            prospect, actor=current_identity(), if_match=if_match()
        )
