"""How an admin command runs: in an app context, as one unit of work, and with
bad input reported as one line (exit 1), never a stack trace."""

from collections.abc import Callable
from functools import wraps
from typing import Any

import click
from flask.cli import with_appcontext
from marshmallow import ValidationError

from opsx_api import db
from opsx_api.errors import ApiError


def admin_command(name: str) -> Callable[[Callable[..., Any]], click.Command]:
    """`@admin_command("purge")`: a click command run as described above.

    Put click options below it, as with `@click.command`.
    """

    def decorator(func: Callable[..., Any]) -> click.Command:
        @wraps(func)
        def run(*args: Any, **kwargs: Any) -> Any:
            try:
                with db.unit_of_work():
                    return func(*args, **kwargs)
            except ApiError as exc:
                raise click.ClickException(f"{exc.code}: {exc.message}") from None
            except ValidationError as exc:
                raise click.ClickException(flatten(exc.messages)) from None

        return click.command(name)(with_appcontext(run))

    return decorator


def flatten(messages: Any, prefix: str = "") -> str:
    """marshmallow's nested messages as one line."""
    if isinstance(messages, dict):
        return "; ".join(flatten(v, f"{prefix}{k}: ") for k, v in messages.items())
    if isinstance(messages, list):
        return prefix + " ".join(str(m) for m in messages)
    return prefix + str(messages)
