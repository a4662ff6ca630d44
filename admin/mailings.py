"""`flask admin send-newsletter` and `flask admin announce`: mass emails
through the outbox, with progress and a count at the end."""

from pathlib import Path

import click

from admin.command import admin_command, echo_json, json_option
from opsx_api.actor import Actor
from opsx_api.schemas.mailings import MailingSchema
from opsx_api.services import announcements, newsletter


def _mailing(subject: str, body_file: Path) -> dict[str, str]:
    """The subject and the file's text, checked like the endpoint's body."""
    try:
        body = body_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"cannot read {body_file}: {exc}") from None
    body = body.replace("\r\n", "\n")
    return MailingSchema().load({"subject": subject, "body": body})


def _progress(done: int, total: int) -> None:
    click.echo(f"queued {done}/{total}")


def _quiet(done: int, total: int) -> None:
    """No progress lines: the output is one JSON document."""


def _queue(send, subject: str, body_file: Path, as_json: bool, said: str) -> None:
    """Queue a mailing with `send` (a service); say how many, as text or JSON."""
    mailing = _mailing(subject, body_file)
    count = send(
        mailing["subject"],
        mailing["body"],
        actor=Actor.system(),
        progress=_quiet if as_json else _progress,
    )
    if as_json:
        echo_json({"queued": count})
    else:
        click.echo(said.format(count=count))


_subject = click.option("--subject", required=True, help="The subject line.")
_body_file = click.option(
    "--body-file",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Plain text; blank lines separate paragraphs.",
)


@admin_command("send-newsletter")
@_subject
@_body_file
@json_option
def send_newsletter(subject: str, body_file: Path, as_json: bool) -> None:
    """Queue a newsletter issue to every confirmed subscriber.

    Each email carries its own one-click unsubscribe link and the RFC 8058
    List-Unsubscribe headers; `flask worker` sends them. All or nothing: the
    emails are queued in one transaction.
    """
    said = "newsletter queued for {count} subscribers"
    _queue(newsletter.send_issue, subject, body_file, as_json, said)


@admin_command("announce")
@_subject
@_body_file
@json_option
def announce(subject: str, body_file: Path, as_json: bool) -> None:
    """Email every active user a notice, e.g. a change of the privacy policy.

    Not the newsletter: every active account gets it, subscribed or not.
    All or nothing: the emails are queued in one transaction.
    """
    said = "announcement queued for {count} users"
    _queue(announcements.announce, subject, body_file, as_json, said)
