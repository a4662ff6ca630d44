"""Each operation's description says who may call it, from the resource's declaration.

The declaration (`roles`, `support`: `opsx_api/auth/access.py`) is what the
access check reads, so the documented sentence cannot drift from the behaviour.
"""

from typing import Any

from flask_restx import Api
from flask_restx.swagger import extract_path

from opsx_api.auth.access import SAFE_METHODS

SUPPORT = {
    ("never", True): "support sessions cannot call it",
    ("never", False): "support sessions cannot call it",
    ("read", True): "support sessions may, under any grant",
    ("read", False): "support sessions cannot (they may only read here)",
    ("write", True): "support sessions may, under any grant",
    ("write", False): "support sessions may, under a `write` grant",
}


def who_may_call(resource: type, method: str) -> str:
    """One sentence: the roles and the support scope that may call `method`."""
    if getattr(resource, "public", False):
        return "**Public**: no token."
    roles = ", ".join(f"`{role}`" for role in resource.roles)  # type: ignore[attr-defined]
    support = SUPPORT[(resource.support, method.upper() in SAFE_METHODS)]  # type: ignore[attr-defined]
    return f"**Who may call**: {roles}; {support}."


def describe_access(api: Api, spec: dict[str, Any]) -> None:
    """Append the access sentence to every operation's description in `spec`."""
    for ns in api.namespaces:
        for resource, urls, _doc, _kwargs in ns.resources:
            for url in api.ns_urls(ns, urls):
                item = spec["paths"].get(extract_path(url), {})
                for method, operation in item.items():
                    if method == "parameters":
                        continue
                    sentence = who_may_call(resource, method)
                    known = operation.get("description")
                    operation["description"] = (
                        f"{known}\n\n{sentence}" if known else sentence
                    )
