"""`flask admin stats`: the support statistics per client, counts only."""

import json

import click

from admin.command import admin_command
from opsx_api.services import stats

COLUMNS = (
    ("client_id", "client id"),
    ("client", "client"),
    ("active_users", "active users"),
    ("live_devices", "live devices"),
    ("prospects", "prospects"),
    ("data_bytes", "data bytes"),
    ("requests_30d", "requests 30d"),
)


def _row(entry: dict) -> dict:
    flat = {key: entry.get(key) for key, _title in COLUMNS}
    flat["client_id"] = str(entry["client"]["id"])
    flat["client"] = entry["client"]["name"]
    return flat


def _cell(value) -> str:
    return "-" if value is None else str(value)


@admin_command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def stats_command(as_json):
    """Per client: active users, live devices, prospects, data bytes, requests.

    Counts only, no personal data. `prospects` shows "-" until prospects exist.
    """
    rows = [_row(entry) for entry in stats.all_client_stats()]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    titles = [title for _key, title in COLUMNS]
    cells = [[_cell(row[key]) for key, _title in COLUMNS] for row in rows]
    widths = [
        max(len(c) for c in column) for column in zip(titles, *cells, strict=False)
    ]
    for line in [titles, *cells]:
        click.echo(
            "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip()
        )
    if not rows:
        click.echo("no clients yet")
