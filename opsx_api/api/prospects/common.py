"""The prospects namespace, its base resource and the conditional-request helpers."""

import uuid
from functools import wraps

from flask import request
from flask_restx import Namespace

from models import Prospect
from opsx_api.api.base import BaseResource
from opsx_api.api.docs import add_doc
from opsx_api.services import prospects
from opsx_api.tenancy import tenant_get_or_404

ns = Namespace("prospects", description="Prospects and their offline sync")

IF_MATCH_DOC = {
    "If-Match": {
        "in": "header",
        "type": "string",
        "description": "the ETag you last read; 412 `precondition_failed` (with "
        "details.current_version) when the prospect changed since. Optional "
        "unless OPSX_REQUIRE_IF_MATCH is on (then 428 without it)",
    }
}


def takes_if_match(func):
    """Documents the `If-Match` header of a conditional write."""
    return add_doc(func, params=IF_MATCH_DOC)


class ProspectsBase(BaseResource):
    """Members and admins of the client; support sessions as their grant allows."""

    roles = ("member", "admin")
    support = "write"


def live_prospect(prospect_id: uuid.UUID) -> Prospect:
    """The caller's client's live prospect; a tombstone or another's is 404."""
    return prospects.live(tenant_get_or_404(Prospect, prospect_id))


def with_prospect(func):
    """Resolve `prospect_id` to the live prospect first: 404 before any 422.

    Put it above `use_schema`/`use_args`: whether the resource exists is
    answered before the body or query string is judged.
    """

    @wraps(func)
    def wrapper(self, *args, prospect_id: uuid.UUID, **kwargs):
        return func(self, *args, prospect=live_prospect(prospect_id), **kwargs)

    return wrapper


def if_match() -> frozenset[str] | None:
    """The opaque tags of `If-Match` (`*` for any); None when the header is absent.

    Weak tags are accepted as well: proxies that compress answers (nginx gzip)
    weaken ETags, and the app would otherwise never match again.
    """
    if "If-Match" not in request.headers:
        return None
    tags = request.if_match
    if tags.star_tag:
        return frozenset({"*"})
    return frozenset(tags.as_set(include_weak=True))


def etag_header(prospect: Prospect) -> dict[str, str]:
    return {"ETag": prospect.etag}


def created_headers(prospect: Prospect) -> dict[str, str]:
    return {"ETag": prospect.etag, "Location": f"/api/v1/prospects/{prospect.id}"}
