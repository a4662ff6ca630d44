"""What the signed-in caller may call, answered by the API's own access check.

The console greys out a control whose call the caller may not make (a support
session under a read grant, a role without the right). It does not know the
rules: it asks here, and this runs `auth.access.check` (the one check every
resource applies) over the route table, for the caller's own token.
"""

import re

from flask import Flask

from opsx_api.auth import access
from opsx_api.errors import Forbidden

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
