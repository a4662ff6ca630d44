"""`flask admin purge`: run the retention steps (`opsx_api.services.retention`)."""

import click

from admin.command import admin_command, confirm, echo_json, json_option, yes_option
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
@yes_option
@json_option
def purge_command(dry_run: bool, yes: bool, as_json: bool) -> None:
    """Apply retention: stale push tokens, expired sessions, old data.

    One line per step with its count. Periods: OPSX_PUSH_TOKEN_STALE_DAYS,
    OPSX_SESSION_IDLE_DAYS/MAX_DAYS, OPSX_RETENTION_DAYS,
    OPSX_LOGIN_WINDOW_SECONDS / OPSX_ACCOUNT_EMAIL_WINDOW_SECONDS,
    OPSX_PUSH_DELIVERY_RETENTION_DAYS, OPSX_EMAIL_RETENTION_DAYS,
    OPSX_NEWSLETTER_CONFIRM_DAYS (unconfirmed subscriptions),
    OPSX_REFERRAL_RETENTION_DAYS (unconverted referrals); emailed links and
    pending email changes when they expire.

    Deletes for good: asks first (or give --yes; cron does); refuses without
    --yes when not interactive. --dry-run asks nothing.
    """
    if not dry_run:
        confirm("Delete the data past its retention period?", yes=yes)
    report = run_purge(dry_run=dry_run)
    if as_json:
        echo_json({"dry_run": dry_run, "steps": dict(report)})
        return
    if dry_run:
        click.echo("dry run: counting only, nothing is changed")
    for name, count in report:
        click.echo(f"{name}: {count}")
