"""Queueing emails. Rows join the caller's transaction; `flask worker` sends them.

Each kind has a subject here and two Jinja templates, `email/<kind>.txt` and
`email/<kind>.html` (autoescaped), rendered now, with the recipient's name.
"""

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from email.utils import parseaddr
from typing import Any, TypeVar

from flask import current_app, render_template, render_template_string
from sqlalchemy import update

from models import Email, User
from opsx_api import db
from opsx_api.clock import utcnow

SUBJECTS = {
    "invitation": "{{ client_name or 'The OpsX team' }} invited you to OpsX",
    "password_reset": "Reset your OpsX password",
    "email_confirmation": "Confirm your new OpsX email address",
    "email_change_notice": "Your OpsX email address is about to change",
    "email_taken_notice": "Someone tried to use this address on OpsX",
    "deletion_scheduled": "Your OpsX account will be deleted",
    "newsletter_confirmation": "Confirm your subscription to the OpsX newsletter",
    "referral_invitation": "An invitation to try OpsX",
    # The operator's own subject line: text, not a template (`safe`: a header
    # is not HTML, so nothing is escaped into it).
    "newsletter": "{{ headline | safe }}",
    "announcement": "{{ headline | safe }}",
}


def queue(
    kind: str,
    *,
    to_address: str,
    to_name: str,
    context: dict[str, Any] | None = None,
    user_id: uuid.UUID | None = None,
    client_id: uuid.UUID | None = None,
    send_before: datetime | None = None,
    list_unsubscribe: str | None = None,
) -> Email:
    """Render `kind` for one recipient and queue it; the caller commits.

    `send_before`: the moment its link dies; the worker cancels the email
    rather than send a dead link. `list_unsubscribe`: the one-click
    unsubscribe URL the message's RFC 8058 headers carry (newsletters).
    """
    name = " ".join(to_name.split())  # no line breaks into a header
    subject, text, html = render(
        kind, {**(context or {}), "name": name, "to_address": to_address}
    )
    now = utcnow()
    email_id = uuid.uuid4()
    row = Email(
        id=email_id,
        client_id=client_id,
        user_id=user_id,
        kind=kind,
        to_address=to_address,
        to_name=name[:200],
        subject=subject[:200],
        text_body=text,
        html_body=html,
        list_unsubscribe=list_unsubscribe,
        message_id=f"<{email_id.hex}@{_domain()}>",
        status="queued",
        attempts=0,
        failures=0,
        next_attempt_at=now,
        send_before=send_before,
        created_at=now,
        updated_at=now,
    )
    db.session().add(row)
    return row


def queue_to_user(
    user: User,
    kind: str,
    context: dict[str, Any] | None = None,
    *,
    to_address: str | None = None,
    send_before: datetime | None = None,
) -> Email:
    """Queue `kind` to a user, at their address unless `to_address` is given."""
    client = user.client
    return queue(
        kind,
        to_address=to_address or user.email,
        to_name=user.name,
        context={"client_name": client.name if client else None, **(context or {})},
        user_id=user.id,
        client_id=user.client_id,
        send_before=send_before,
    )


T = TypeVar("T")
Progress = Callable[[int, int], None]
PROGRESS_EVERY = 500  # recipients queued between two progress reports


def queue_each(
    recipients: Sequence[T],
    queue_one: Callable[[T], Any],
    progress: Progress | None = None,
) -> int:
    """Queue one email per recipient (a mass mailing); how many.

    `progress(done, total)` is called every PROGRESS_EVERY and at the end.
    """
    total = len(recipients)
    for done, recipient in enumerate(recipients, start=1):
        queue_one(recipient)
        if progress and (done % PROGRESS_EVERY == 0 or done == total):
            progress(done, total)
    return total


def cancel_queued(user_id: uuid.UUID, kinds: tuple[str, ...], reason: str) -> int:
    """Cancel (and blank) a user's queued emails of `kinds`; the count."""
    return db.changed(
        update(Email)
        .where(
            Email.user_id == user_id, Email.kind.in_(kinds), Email.status == "queued"
        )
        .values(
            status="cancelled",
            last_error=reason[:200],
            text_body=None,
            html_body=None,
            list_unsubscribe=None,
            updated_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )


def render(kind: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of `kind`; KeyError for an unknown kind."""
    subject = render_template_string(SUBJECTS[kind], **context).strip()
    context = {**context, "subject": subject}
    text = render_template(f"email/{kind}.txt", **context).strip() + "\n"
    html = render_template(f"email/{kind}.html", **context)
    return " ".join(subject.split()), text, html


def human_duration(delta: timedelta) -> str:
    """'30 minutes', '24 hours', '3 days': how long a link works, for the reader."""
    minutes = int(delta.total_seconds() // 60)
    if minutes % (24 * 60) == 0 and minutes >= 48 * 60:
        return f"{minutes // (24 * 60)} days"
    if minutes % 60 == 0 and minutes >= 60:
        hours = minutes // 60
        return "1 hour" if hours == 1 else f"{hours} hours"
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def _domain() -> str:
    return parseaddr(current_app.config["MAIL_FROM"])[1].rpartition("@")[2]
