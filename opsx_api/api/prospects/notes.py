"""GET/POST /prospects/{id}/notes: activity notes."""

from opsx_api.api.base import dump_page, use_args, use_schema
from opsx_api.api.idempotency import replayable
from opsx_api.api.prospects.common import ProspectsBase, ns, with_prospect
from opsx_api.auth.identity import current_identity
from opsx_api.pagination import PageArgsSchema
from opsx_api.schemas.prospects import ProspectNoteCreateSchema, ProspectNoteSchema
from opsx_api.services import prospects

note_schema = ProspectNoteSchema()


@ns.route("/<uuid:prospect_id>/notes")
@ns.response(404, "Not found (or deleted, or another company's)", "Error")
class ProspectNoteListResource(ProspectsBase):
    @with_prospect
    @use_args(PageArgsSchema())
    @dump_page(note_schema)
    def get(self, args, prospect):
        """A prospect's notes, newest first."""
        return prospects.list_notes(prospect, args)

    @with_prospect
    @use_schema(ProspectNoteCreateSchema())
    @replayable(note_schema, 201)
    def post(self, data, prospect):
        """Add a note to a prospect (honours Idempotency-Key)."""
        return prospects.add_note(prospect, data["body"], actor=current_identity())
