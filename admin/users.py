"""`flask admin create-client|create-user|deactivate-user|revoke-tokens`."""

import sys
import uuid

import click
from marshmallow import ValidationError
from sqlalchemy import select

from admin.command import admin_command
from models import STAFF_ROLES, TENANT_ROLES, Client, User
from opsx_api import db
from opsx_api.actor import Actor
from opsx_api.schemas.common import NormalisedEmail
from opsx_api.services import accounts, clients, users


def _email(value: str) -> str:
    try:
        return NormalisedEmail().deserialize(value)
    except ValidationError:
        raise click.BadParameter(f"{value!r} is not an email address") from None


def _password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline().rstrip("\n")
        if not line:
            raise click.ClickException("no password on standard input")
        return line
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


def _user_by_email(email: str) -> User:
    user = db.session().scalar(select(User).where(User.email == _email(email)))
    if user is None:
        raise click.ClickException(f"no user with email {email}")
    return user


def _client(ref: str) -> Client:
    try:
        client_id = uuid.UUID(ref)
    except ValueError:
        client_id = None
    if client_id is not None:
        client = db.session().get(Client, client_id)
    else:
        found = db.session().scalars(select(Client).where(Client.name == ref)).all()
        if len(found) > 1:
            raise click.ClickException(f"several clients are named {ref!r}; use the id")
        client = found[0] if found else None
    if client is None:
        raise click.ClickException(f"no client {ref!r}")
    return client


def _receipt(receipt) -> None:
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
def create_client(name, admin_email, admin_name, device_policy, password_stdin):
    """Create a client company NAME and its first admin."""
    admin = {
        "email": _email(admin_email),
        "name": admin_name.strip(),
        "password": _password(password_stdin),
    }
    client = clients.create_client(
        name=name.strip(),
        device_policy=device_policy,
        admin=admin,
        actor=Actor.system(),
    )
    click.echo(f"client {client.id} created with admin {admin['email']}")


@admin_command("create-user")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(TENANT_ROLES + STAFF_ROLES))
@click.option("--client", "client_ref", help="Client id or name (tenant roles).")
@click.option("--name", help="Display name (default: the email's local part).")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from stdin and create the user active. Without it the "
    "user is invited instead.",
)
def create_user(email, role, client_ref, name, password_stdin):
    """Create a user EMAIL: a member or admin of a client, or support/operator staff.

    Without --password-stdin the user is invited: nobody types a password here;
    the user is emailed a link (valid 72 hours) to choose one, and cannot log in
    until they have. `flask worker` sends the email.
    """
    email = _email(email)
    if (role in TENANT_ROLES) != bool(client_ref):
        raise click.UsageError("--client is required for member/admin, and only then")
    client = _client(client_ref) if client_ref else None
    user = accounts.create_user(
        client=client,
        email=email,
        name=(name or email.split("@")[0]).strip(),
        role=role,
        password=_password(True) if password_stdin else None,
        actor=Actor.system(),
    )
    if user.status == "invited":
        click.echo(f"user {user.id} invited ({role}); the invitation goes to {email}")
    else:
        click.echo(f"user {user.id} created ({role})")


@admin_command("deactivate-user")
@click.argument("email")
@click.option("--reason", help="Why (kept in the audit trail).")
def deactivate_user(email, reason):
    """Deactivate EMAIL: revoke every token and push registration at once."""
    _receipt(
        users.deactivate(_user_by_email(email), actor=Actor.system(), reason=reason)
    )


@admin_command("revoke-tokens")
@click.argument("email")
def revoke_tokens(email):
    """Revoke every session of EMAIL without deactivating the account."""
    _receipt(users.revoke_tokens(_user_by_email(email), actor=Actor.system()))
