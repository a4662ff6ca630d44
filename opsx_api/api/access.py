"""GET /access: the calls this token may make, by the API's own access check.

A client (the web console) greys out a control whose call the caller may not
make (a support session under a read grant, a role without the right). It does
not know the rules: it asks here, and this runs `auth.access.check` (the one
check every resource applies) over the route table, for the caller's token.
"""

import re

from flask import Flask, current_app
from flask_restx import Namespace

from models.user import ROLES
from opsx_api.api.base import BaseResource, dump_with
from opsx_api.auth import access
from opsx_api.errors import Forbidden
from opsx_api.schemas.auth import AccessSchema

ns = Namespace("access", description="What the caller may call")

API = "/api/v1"
PARAMETER = re.compile(r"<[^>]+>")


def allowed_calls(app: Flask) -> list[str]:
    """`METHOD /path/{}/...` of every protected API route the caller may call."""
    calls = set()
    for rule in app.url_map.iter_rules():
        resource: type[access.Declared] | None = getattr(
            app.view_functions[rule.endpoint], "view_class", None
        )
        if not rule.rule.startswith(API) or not hasattr(resource, "roles"):
            continue
        if resource is None or getattr(resource, "public", False):
            continue
        path = PARAMETER.sub("{}", rule.rule[len(API) :])
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
            try:
                access.check(resource, method)
            except Forbidden:
                continue
            calls.add(f"{method} {path}")
    return sorted(calls)


@ns.route("")
class AccessResource(BaseResource):
    roles = ROLES
    support = "read"  # a support session may ask what it may do

    @dump_with(AccessSchema())
    def get(self):
        """The API calls this token may make: `METHOD /path/{}/...`, sorted.

        Path parameters are written `{}`. The answer reflects the role, and for
        a support session the grant's scope; every call still checks itself.
        """
        return {"calls": allowed_calls(current_app)}
