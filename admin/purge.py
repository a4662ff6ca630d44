"""`flask admin purge`: run the retention steps (`opsx_api.services.retention`)."""

import click

from admin.command import admin_command
from opsx_api import db
from opsx_api.clock import utcnow
from opsx_api.services import retention


def run_purge(*, dry_run: bool = False) -> list[tuple[str, int]]:
    """Run every step at one moment, each in its own unit of work; (name, count)."""
    now = utcnow()
    report = []
    for name, step in retention.STEPS:
        with db.unit_of_work():  # a dry run writes nothing
            count = step(now, dry_run)
        report.append((name, count))
    return report


@admin_command("purge")
@click.option("--dry-run", is_flag=True, help="Count what would go; change nothing.")
def purge_command(dry_run: bool) -> None:
    """Apply retention: stale push tokens, expired sessions, old data.

    One line per step with its count. Periods: OPSX_PUSH_TOKEN_STALE_DAYS,
    OPSX_SESSION_IDLE_DAYS/MAX_DAYS, OPSX_RETENTION_DAYS,
    OPSX_LOGIN_WINDOW_SECONDS / OPSX_ACCOUNT_EMAIL_WINDOW_SECONDS,
    OPSX_PUSH_DELIVERY_RETENTION_DAYS, OPSX_EMAIL_RETENTION_DAYS,
    OPSX_NEWSLETTER_CONFIRM_DAYS (unconfirmed subscriptions),
    OPSX_REFERRAL_RETENTION_DAYS (unconverted referrals); emailed links and
    pending email changes when they expire.
    """
    if dry_run:
        click.echo("dry run: counting only, nothing is changed")
    for name, count in run_purge(dry_run=dry_run):
        click.echo(f"{name}: {count}")
