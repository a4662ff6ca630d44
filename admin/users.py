"""`flask admin create-client|create-user|deactivate-user|revoke-tokens`."""

import sys

import click

from admin.command import admin_command, confirm, echo_json, json_option, yes_option
from admin.lookup import client_by_ref, client_data, email, user_by_email, user_data
from models import STAFF_ROLES, TENANT_ROLES
from opsx_api.actor import Actor
from opsx_api.services import accounts, clients, users


def _password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline().rstrip("\n")
        if not line:
            raise click.ClickException("no password on standard input")
        return line
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


def _receipt(receipt, as_json: bool) -> None:
    if as_json:
        echo_json(receipt.as_dict())
        return
    for key, value in receipt.as_dict().items():
        click.echo(f"{key}: {value}")


@admin_command("create-client")
@click.argument("name")
@click.option("--admin-email", required=True, help="Email of the first admin.")
@click.option("--admin-name", required=True, help="Name of the first admin.")
@click.option(
    "--device-policy", type=click.Choice(["reject", "replace"]), default="reject"
)
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin.")
@json_option
def create_client(
    name, admin_email, admin_name, device_policy, password_stdin, as_json
):
    """Create a client company NAME (unique, ignoring case) and its first admin."""
    admin = {
        "email": email(admin_email),
        "name": admin_name.strip(),
        "password": _password(password_stdin),
    }
    client = clients.create_client(
        name=name.strip(),
        device_policy=device_policy,
        admin=admin,
        actor=Actor.system(),
    )
    if as_json:
        echo_json({**client_data(client), "admin_email": admin["email"]})
    else:
        click.echo(f"client {client.id} created with admin {admin['email']}")


@admin_command("create-user")
@click.argument("address", metavar="EMAIL")
@click.option("--role", required=True, type=click.Choice(TENANT_ROLES + STAFF_ROLES))
@click.option("--client", "client_ref", help="Client id or name (tenant roles).")
@click.option("--name", help="Display name (default: the email's local part).")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from stdin and create the user active. Without it the "
    "user is invited instead.",
)
@json_option
def create_user(address, role, client_ref, name, password_stdin, as_json):
    """Create a user EMAIL: a member or admin of a client, or support/operator staff.

    Without --password-stdin the user is invited: nobody types a password here;
    the user is emailed a link (valid 72 hours) to choose one, and cannot log in
    until they have. `flask worker` sends the email.
    """
    address = email(address)
    if (role in TENANT_ROLES) != bool(client_ref):
        raise click.UsageError("--client is required for member/admin, and only then")
    client = client_by_ref(client_ref) if client_ref else None
    user = accounts.create_user(
        client=client,
        email=address,
        name=(name or address.split("@")[0]).strip(),
        role=role,
        password=_password(True) if password_stdin else None,
        actor=Actor.system(),
    )
    if as_json:
        echo_json(user_data(user))
    elif user.status == "invited":
        click.echo(f"user {user.id} invited ({role}); the invitation goes to {address}")
    else:
        click.echo(f"user {user.id} created ({role})")


@admin_command("deactivate-user")
@click.argument("address", metavar="EMAIL")
@click.option("--reason", help="Why (kept in the audit trail).")
@yes_option
@json_option
def deactivate_user(address, reason, yes, as_json):
    """Deactivate EMAIL: revoke every token and push registration at once.

    Asks first (or give --yes); refuses without --yes when not interactive.
    """
    user = user_by_email(address)
    if user.status == "deactivated":
        if as_json:
            echo_json({**user_data(user), "already_deactivated": True})
        else:
            click.echo(f"{user.email} is already deactivated; nothing to do")
        return
    confirm(f"Deactivate {user.email} and sign them out everywhere?", yes=yes)
    _receipt(users.deactivate(user, actor=Actor.system(), reason=reason), as_json)


@admin_command("revoke-tokens")
@click.argument("address", metavar="EMAIL")
@yes_option
@json_option
def revoke_tokens(address, yes, as_json):
    """Revoke every session of EMAIL without deactivating the account.

    Asks first (or give --yes); refuses without --yes when not interactive.
    """
    user = user_by_email(address)
    confirm(f"Sign {user.email} out of every device?", yes=yes)
    _receipt(users.revoke_tokens(user, actor=Actor.system()), as_json)
