"""How an admin command runs: in an app context, as one unit of work, and with
bad input reported as one line (exit 1), never a stack trace."""

import json
import sys
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


def json_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """`--json`: print the command's data as JSON (the `as_json` argument)."""
    return click.option(
        "--json", "as_json", is_flag=True, help="Print JSON instead of text."
    )(func)


def yes_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """`--yes`: skip the confirmation of a destructive command."""
    return click.option(
        "--yes", "-y", is_flag=True, help="Do not ask for confirmation."
    )(func)


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, default=str))


def interactive() -> bool:
    """Whether a person can answer a prompt (standard input is a terminal)."""
    return sys.stdin.isatty()


def confirm(question: str, *, yes: bool) -> None:
    """Go on after `--yes` or a person's yes; refuse without one when nobody can answer.

    A script that forgot `--yes` stops with exit 1 instead of hanging on a prompt
    or acting on an answer nobody gave.
    """
    if yes:
        return
    if not interactive():
        raise click.ClickException(
            f"{question} Not interactive: refusing without --yes."
        )
    click.confirm(question, abort=True)
