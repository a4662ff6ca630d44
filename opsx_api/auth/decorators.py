"""Who may call: authentication by default, roles as a decorator."""

from functools import wraps

from opsx_api.auth.identity import authenticate
from opsx_api.errors import Forbidden


def authenticated(func):
    """Require a valid access token and a live session."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        authenticate()
        return func(*args, **kwargs)

    return wrapper


def roles_required(*roles: str):
    """Allow only callers whose effective role is one of `roles` (else 403).

    Used in `method_decorators`, which flask-restx applies on every request: it
    must stay cheap (no documentation merging here).
    """

    def decorator(func):
        @wraps(func)
        def wrapper(*args, **kwargs):
            if authenticate().role not in roles:
                raise Forbidden(f"This needs the role {' or '.join(roles)}.")
            return func(*args, **kwargs)

        return wrapper

    return decorator
