"""`flask admin reactivate-user|update-user`: the API's user changes, by email."""

import click

from admin.command import admin_command, echo_json, json_option
from admin.lookup import user_by_email, user_data
from models import TENANT_ROLES
from opsx_api.actor import Actor
from opsx_api.schemas.users import UserUpdateSchema
from opsx_api.services import users


def _show(user, as_json: bool, said: str) -> None:
    if as_json:
        echo_json(user_data(user))
    else:
        click.echo(said)


@admin_command("reactivate-user")
@click.argument("address", metavar="EMAIL")
@json_option
def reactivate_user(address, as_json):
    """Let EMAIL log in again (no session comes back; cancels a self-deletion).

    A user who never set a password goes back to `invited` and needs a new
    invitation.
    """
    user = user_by_email(address)
    if user.status != "deactivated":
        _show(user, as_json, f"{user.email} is not deactivated ({user.status})")
        return
    user = users.reactivate(user, actor=Actor.system())
    _show(user, as_json, f"{user.email} reactivated ({user.status})")


@admin_command("update-user")
@click.argument("address", metavar="EMAIL")
@click.option("--name", help="New display name.")
@click.option("--role", type=click.Choice(TENANT_ROLES), help="member or admin.")
@json_option
def update_user(address, name, role, as_json):
    """Rename EMAIL or change a company user's role, as PATCH /admin/users/{id}."""
    given = {k: v for k, v in (("name", name), ("role", role)) if v is not None}
    if not given:
        raise click.UsageError("give --name and/or --role")
    user = user_by_email(address)
    if role and user.client_id is None:
        raise click.ClickException("staff roles are not changed here")
    changes = UserUpdateSchema().load(given)
    user = users.update_user(user, changes, actor=Actor.system())
    _show(user, as_json, f"{user.email} updated: {user.name} ({user.role})")
