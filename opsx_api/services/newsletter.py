"""The newsletter: double opt-in, one-click unsubscribe, and sending an issue.

An address joins the list in two steps: `POST /newsletter/subscriptions` adds
it as `pending` and emails a confirmation link (OPSX_NEWSLETTER_CONFIRM_DAYS);
the link makes it `subscribed`. Whatever the address (unknown, pending,
subscribed, an account's), the request does the same work and the same email
goes out, so neither the answer nor the inbox of the asker tells anything. A
signed-in person subscribes from `PUT /me/newsletter` at once: their address is
already proven. Unsubscribing (from the link in every issue, or from /me)
deletes the row. Services here never commit.
"""

import uuid
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import delete, func, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from models import NewsletterSubscription, User
from opsx_api import db
from opsx_api.actor import Actor
from opsx_api.clock import utcnow
from opsx_api.errors import InvalidLinkToken, Throttled
from opsx_api.services import audit, emails, signed_links, throttle

CONFIRM = "newsletter_confirmation"
UNSUBSCRIBE = "newsletter_unsubscribe"


def _confirm_ttl() -> timedelta:
    return timedelta(days=current_app.config["NEWSLETTER_CONFIRM_DAYS"])


def _mine(user: User) -> Any:
    return or_(
        NewsletterSubscription.user_id == user.id,
        NewsletterSubscription.email == user.email,
    )


def is_subscribed(user: User) -> bool:
    """Whether the person's account or address is a confirmed subscriber."""
    stmt = select(func.count()).where(
        _mine(user), NewsletterSubscription.status == "subscribed"
    )
    return bool(db.session().scalar(stmt))


def set_mine(user: User, subscribed: bool) -> bool:
    """Subscribe (at once: a signed-in address is proven) or unsubscribe."""
    rows = db.session().scalars(select(NewsletterSubscription).where(_mine(user)))
    found = list(rows)
    if not subscribed:
        for row in found:
            db.session().delete(row)
        return False
    now = utcnow()
    same = [r for r in found if r.email == user.email]
    row = (
        same[0]
        if same
        else NewsletterSubscription(
            id=uuid.uuid4(), email=user.email, status="pending", created_at=now
        )
    )
    db.session().add(row)
    for other in found:
        if other is not row:  # an old address of the account
            db.session().delete(other)
    row.user_id = user.id
    if row.status != "subscribed":
        row.status, row.confirmed_at = "subscribed", now
    return True


def request_subscription(email: str, *, ip: str | None) -> None:
    """Add `email` as pending (if new) and email it the confirmation link.

    429 past the IP's limit (about the caller, the same for any address);
    past the address's limit nothing is sent and the answer is the same.
    """
    if not _reserve(email, ip):
        return
    row_id = _add_pending(email)
    link = signed_links.url(CONFIRM, row_id)
    ttl = _confirm_ttl()
    emails.queue(
        "newsletter_confirmation",
        to_address=email,
        to_name="",
        context={"link": link, "expires": emails.human_duration(ttl)},
        send_before=utcnow() + ttl,
    )


def _add_pending(email: str) -> uuid.UUID:
    """The id of the address's row, added as pending if it had none.

    One INSERT .. ON CONFLICT statement whatever the address: the same work
    for a known one, and two requests racing for a new one both end here
    (the second waits for the first's row) instead of one failing with a
    409 that would tell the address was new. A pending row's clock restarts
    with the new link, so purge does not delete it while that link works.
    """
    table = NewsletterSubscription.__table__
    dialect = db.session().get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    now = utcnow()
    db.session().execute(
        insert(table)
        .values(id=uuid.uuid4(), email=email, status="pending", created_at=now)
        .on_conflict_do_update(
            index_elements=[table.c.email],
            set_={"created_at": now},
            where=table.c.status == "pending",
        )
    )
    return (
        db.session()
        .scalars(
            select(NewsletterSubscription.id).where(
                NewsletterSubscription.email == email
            )
        )
        .one()
    )


def confirm(raw_token: str) -> NewsletterSubscription:
    """The confirmation link: the address is subscribed (again: harmless).

    400 `invalid_token` for a forged or expired link, or one whose
    subscription is gone (unsubscribed, or deleted unconfirmed).
    """
    ttl = int(_confirm_ttl().total_seconds())
    row_id = signed_links.verify(raw_token, CONFIRM, max_age_seconds=ttl)
    row = db.session().get(NewsletterSubscription, row_id, with_for_update=True)
    if row is None:
        raise InvalidLinkToken()
    if row.status != "subscribed":
        row.status, row.confirmed_at = "subscribed", utcnow()
        account = db.session().scalar(select(User.id).where(User.email == row.email))
        row.user_id = row.user_id or account
    return row


def is_genuine_confirmation(raw_token: str) -> bool:
    """Whether the confirmation page should show its button (reads only)."""
    ttl = int(_confirm_ttl().total_seconds())
    return signed_links.is_genuine(raw_token, CONFIRM, max_age_seconds=ttl)


def unsubscribe(raw_token: str) -> None:
    """The one-click link of an issue: the address leaves the list (idempotent).

    A genuine token whose subscription is already gone changes nothing and
    succeeds; a forged or altered one is 400 `invalid_token`.
    """
    row_id = signed_links.verify(raw_token, UNSUBSCRIBE)
    db.changed(
        delete(NewsletterSubscription).where(NewsletterSubscription.id == row_id)
    )


def send_issue(
    subject: str,
    body: str,
    *,
    actor: Actor,
    progress: emails.Progress | None = None,
) -> int:
    """Queue one issue to every confirmed subscriber; how many were queued.

    Each email carries its own signed unsubscribe link, in the text and in
    the RFC 8058 headers. A subscription of an account goes to the account's
    address of today (it may have changed since), once per address.
    """
    address = func.coalesce(User.email, NewsletterSubscription.email)
    stmt = (
        select(NewsletterSubscription.id, address.label("address"))
        .add_columns(NewsletterSubscription.user_id, User.name)
        .outerjoin(User, User.id == NewsletterSubscription.user_id)
        .where(NewsletterSubscription.status == "subscribed")
        .order_by(NewsletterSubscription.created_at, NewsletterSubscription.id)
    )
    recipients = {row.address: row for row in db.session().execute(stmt)}

    def queue_one(row: Any) -> None:
        link = signed_links.url(UNSUBSCRIBE, row.id)
        emails.queue(
            "newsletter",
            to_address=row.address,
            to_name=row.name or "",
            context={"headline": subject, "body": body, "link": link},
            user_id=row.user_id,
            list_unsubscribe=link,
        )

    count = emails.queue_each(list(recipients.values()), queue_one, progress)
    audit.record(
        "newsletter.sent",
        client_id=None,
        actor=actor,
        details={"subject": subject[:200], "queued": count},
    )
    return count


def purge_unconfirmed(now: datetime, *, dry_run: bool) -> int:
    """Delete pending subscriptions whose confirmation link has expired."""
    stale = (
        NewsletterSubscription.status == "pending",
        NewsletterSubscription.created_at <= now - _confirm_ttl(),
    )
    if dry_run:
        count = select(func.count()).select_from(NewsletterSubscription)
        return db.session().scalar(count.where(*stale)) or 0
    return db.changed(delete(NewsletterSubscription).where(*stale))


def erase_person(user: User, address: str) -> None:
    """Erasure: the person's subscription, by account or address."""
    db.changed(
        delete(NewsletterSubscription).where(
            or_(
                NewsletterSubscription.user_id == user.id,
                NewsletterSubscription.email == address,
            )
        )
    )


def export_of(user: User) -> dict[str, Any]:
    """The export's `newsletter` section."""
    row = db.session().scalar(
        select(NewsletterSubscription)
        .where(_mine(user))
        .order_by(NewsletterSubscription.created_at)
    )
    if row is None:
        return {"status": "not_subscribed"}
    return {
        "status": row.status,
        "email": row.email,
        "since": row.created_at.isoformat(),
        "confirmed_at": row.confirmed_at.isoformat() if row.confirmed_at else None,
    }


def _reserve(email: str, ip: str | None) -> bool:
    """Count a request; 429 past the IP's limit, False past the address's.

    The same limits and window as password-reset requests, on keys of their own.
    """
    config = current_app.config
    window = timedelta(seconds=config["ACCOUNT_EMAIL_WINDOW_SECONDS"])
    if ip:
        limit = (throttle.key("newsletter-ip", ip), config["RESET_MAX_PER_IP"])
        throttle.reserve(
            [limit],
            window,
            "Too many requests; try again later.",
            throttle="newsletter",
        )
    limit = (
        throttle.key("newsletter-address", email),
        config["RESET_MAX_PER_ADDRESS"],
    )
    try:
        throttle.reserve([limit], window, "", throttle="newsletter_address")
    except Throttled:
        return False
    return True
