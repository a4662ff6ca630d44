"""`flask seed-demo`: a demo client, users and data for a first run."""

import click
from sqlalchemy import select

from admin.command import admin_command
from models import User
from opsx_api import db
from opsx_api.actor import Actor
from opsx_api.services import clients, users

DEMO_PASSWORD = "demo-password-for-opsx"
DEMO_USERS = [
    ("member", "field@demo.opsx.test", "Field User"),
    ("member", "second@demo.opsx.test", "Second Field User"),
]
STAFF = [
    ("support", "support@opsx.test", "Support Staff"),
    ("operator", "operator@opsx.test", "Platform Operator"),
]


@admin_command("seed-demo")
def seed_demo_command():
    """Create a demo client with users (idempotent: does nothing the second time)."""
    if db.session().scalar(select(User).where(User.email == "admin@demo.opsx.test")):
        click.echo("demo data already present")
        return
    client = clients.create_client(
        name="Demo Field Co",
        device_policy="reject",
        admin={
            "email": "admin@demo.opsx.test",
            "name": "Demo Admin",
            "password": DEMO_PASSWORD,
        },
        actor=Actor.system(),
    )
    people = [(client, *p) for p in DEMO_USERS] + [(None, *p) for p in STAFF]
    for company, role, email, name in people:
        users.create_user(
            client=company,
            email=email,
            name=name,
            role=role,
            password=DEMO_PASSWORD,
            actor=Actor.system(),
        )
    for hook in SEED_HOOKS:
        hook(client)
    click.echo(f"demo client {client.id}; every demo password is {DEMO_PASSWORD!r}")
    click.echo("logins: admin@demo.opsx.test, field@demo.opsx.test, ...")


# Other features (prospects) add demo data of their own here.
SEED_HOOKS: list = []

from admin.seed_prospects import demo_prospects  # noqa: E402  (after SEED_HOOKS)

SEED_HOOKS.append(demo_prospects)
