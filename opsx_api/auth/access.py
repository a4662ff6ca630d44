"""Who may call a resource: declared once, on the resource class, read by one check.

Every protected resource declares two class attributes:

- `roles`: the roles of people signed in as themselves who may call it;
- `support`: what a support session (staff acting for a company under its grant)
  may do there:
  - `"never"`: nothing (403), whatever the grant;
  - `"read"`: safe methods under any grant; every write is 403;
  - `"write"`: safe methods under any grant; writes only under a `write` grant.

The default is `"never"`. Identities and access are the company's own business:
resources that create users, change roles, reactivate, invite, reset passwords,
change client settings or manage grants declare `"read"` or `"never"`, so nothing
a support session does outlives its grant (a route-table test holds every
resource to this).
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, Literal, Protocol

from flask import request

from opsx_api.auth.identity import Identity, authenticate
from opsx_api.errors import Forbidden

SupportLevel = Literal["never", "read", "write"]
SUPPORT_LEVELS: tuple[SupportLevel, ...] = ("never", "read", "write")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class Declared(Protocol):
    """What a protected resource class declares."""

    roles: tuple[str, ...]
    support: SupportLevel


def check(resource: type[Declared], method: str) -> Identity:
    """The caller, if `resource` declares they may call `method`; else 403."""
    identity = authenticate()
    if identity.support is None:
        if identity.role not in resource.roles:
            raise Forbidden(f"This needs the role {' or '.join(resource.roles)}.")
        return identity
    if resource.support == "never":
        raise Forbidden("A support session cannot use this.")
    if method not in SAFE_METHODS:
        if resource.support == "read":
            raise Forbidden("A support session can only read this.")
        if identity.support.scope != "write":
            raise Forbidden("This support session is read-only.")
    return identity


def authorized(method: Callable[..., Any]) -> Callable[..., Any]:
    """flask-restx method decorator: apply the bound resource's declaration first."""
    bound: Any = method  # flask-restx hands over the bound method
    resource = type(bound.__self__)  # a resource class, read as `Declared`

    @wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        check(resource, request.method)
        return method(*args, **kwargs)

    return wrapper
