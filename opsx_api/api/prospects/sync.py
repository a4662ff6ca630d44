"""GET /prospects/changes: the delta feed a phone follows to catch up."""

from opsx_api.api.base import dump_with, use_args
from opsx_api.api.prospects.common import ProspectsBase, ns
from opsx_api.schemas.prospects import (
    ProspectChangesArgsSchema,
    ProspectChangesPageSchema,
)
from opsx_api.services import prospects
from opsx_api.tenancy import tenant_id


@ns.route("/changes")
class ProspectChangesResource(ProspectsBase):
    @ns.response(400, "invalid_cursor", "Error")
    @use_args(ProspectChangesArgsSchema())
    @dump_with(ProspectChangesPageSchema())
    def get(self, args):
        """Everything changed since a cursor, deletions included, oldest first.

        Start without `since`; store `next_cursor` and pass it as `since` next
        time; call again at once while `has_more` is true. A first sync (no
        `since`) leaves out deletions: a phone with no copy has nothing to
        delete.
        """
        return prospects.changes(tenant_id(), args["since"], args["limit"])
