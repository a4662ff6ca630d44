"""`flask admin list-clients|list-users|show-user`: read-only look-ups."""

import click
from sqlalchemy import select

from admin.command import admin_command, echo_json, json_option
from admin.lookup import client_by_ref, client_data, user_by_email, user_data
from models import USER_STATUSES, Client, User
from opsx_api import db
from opsx_api.schemas.auth import AdminSessionSchema
from opsx_api.services import users

SESSION = AdminSessionSchema()


def _table(rows: list[dict], columns: tuple[str, ...], empty: str) -> None:
    """Rows as aligned columns (`-` for none), or `empty` when there are none."""
    if not rows:
        click.echo(empty)
        return
    cells = [[("-" if r[c] is None else str(r[c])) for c in columns] for r in rows]
    widths = [max(len(x) for x in col) for col in zip(columns, *cells, strict=False)]
    for line in [list(columns), *cells]:
        click.echo(
            "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip()
        )


@admin_command("list-clients")
@json_option
def list_clients(as_json):
    """Every client company: id, name, device policy, created, oldest first."""
    rows = [
        client_data(c)
        for c in db.session().scalars(select(Client).order_by(Client.created_at))
    ]
    if as_json:
        echo_json(rows)
    else:
        _table(rows, ("id", "name", "device_policy", "created_at"), "no clients yet")


@admin_command("list-users")
@click.option("--client", "client_ref", help="Only this client's (id or name).")
@click.option("--status", type=click.Choice(USER_STATUSES), help="Only this status.")
@json_option
def list_users(client_ref, status, as_json):
    """Users, oldest first: every client's and staff, or one client's."""
    stmt = select(User).where(User.erased_at.is_(None)).order_by(User.created_at)
    if client_ref:
        stmt = stmt.where(User.client_id == client_by_ref(client_ref).id)
    if status:
        stmt = stmt.where(User.status == status)
    rows = [user_data(u) for u in db.session().scalars(stmt)]
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        row["client"] = row["client"]["name"] if row["client"] else None
    _table(rows, ("id", "email", "name", "role", "status", "client"), "no users")


@admin_command("show-user")
@click.argument("address", metavar="EMAIL")
@json_option
def show_user(address, as_json):
    """One user: profile, client and their 20 most recent device sessions."""
    user = user_by_email(address)
    data = user_data(user)
    data["sessions"] = SESSION.dump(users.user_sessions(user).items, many=True)
    if as_json:
        echo_json(data)
        return
    for key in ("id", "email", "name", "role", "status", "created_at"):
        click.echo(f"{key}: {data[key]}")
    client = data["client"]
    click.echo(f"client: {client['name']} ({client['id']})" if client else "client: -")
    click.echo(f"sessions: {len(data['sessions'])}")
    for s in data["sessions"]:
        device = s["device"]
        state = "live" if s["live"] else "revoked"
        click.echo(f"  {s['id']} {device['platform']} {device['id']} {state}")
