"""Retention: every step `flask admin purge` runs, in one place.

Each step is `(name, step(now, dry_run) -> count)` in `STEPS`, run in order by
the caller, each in its own unit of work. With `dry_run` a step only counts what
it would change. Periods come from the `OPSX_*_DAYS` settings (README, Privacy).
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import (
    ColumnElement,
    and_,
    delete,
    exists,
    func,
    literal,
    or_,
    select,
    update,
)

from models import (
    AuditEvent,
    Base,
    ClientRequestCount,
    DeviceSession,
    Email,
    LoginFailure,
    Notification,
    Prospect,
    ProspectFieldKey,
    PushDelivery,
    SpentRefreshToken,
    SupportSession,
    User,
)
from opsx_api import db
from opsx_api.services import (
    deletion,
    idempotency,
    links,
    newsletter,
    referrals,
    sessions,
)
from opsx_api.services.prospects import retention as prospect_retention

Step = Callable[[datetime, bool], int]
FINISHED = ("sent", "invalid_token", "failed", "cancelled")


def _days(setting: str) -> timedelta:
    return timedelta(days=current_app.config[setting])


def _count(where: ColumnElement[bool], model: type[Base]) -> int:
    count = select(func.count()).select_from(model).where(where)
    return db.session().scalar(count) or 0


def _apply(
    model: type[Base], where: ColumnElement[bool], dry_run: bool, **values: Any
) -> int:
    """Count (dry run), or delete / update the rows matching `where`."""
    if dry_run:
        return _count(where, model)
    stmt = update(model).values(**values) if values else delete(model)
    return db.changed(stmt.where(where).execution_options(synchronize_session=False))


def stale_push_tokens(now: datetime, dry_run: bool) -> int:
    """Detach push tokens the app has not refreshed for PUSH_TOKEN_STALE_DAYS."""
    cutoff = now - _days("PUSH_TOKEN_STALE_DAYS")
    stale = and_(
        DeviceSession.push_token.is_not(None),
        func.coalesce(DeviceSession.push_token_updated_at, DeviceSession.created_at)
        < cutoff,
    )
    return _apply(
        DeviceSession, stale, dry_run, push_token=None, push_token_updated_at=None
    )


def expired_sessions(now: datetime, dry_run: bool) -> int:
    """Revoke live sessions past their absolute or inactivity limit."""
    idle = now - _days("SESSION_IDLE_DAYS")
    expired = and_(
        DeviceSession.revoked_at.is_(None),
        or_(DeviceSession.expires_at <= now, DeviceSession.last_seen_at <= idle),
    )
    if dry_run:
        return _count(expired, DeviceSession)
    rows = db.session().scalars(select(DeviceSession).where(expired)).all()
    for row in rows:
        # No sign-out push: the app finds out at its next refresh, as at expiry.
        sessions.revoke(row, "expired", signal=False)
    return len(rows)


def old_sessions(now: datetime, dry_run: bool) -> int:
    """Delete sessions (login history) revoked longer than RETENTION_DAYS ago."""
    cutoff = now - _days("RETENTION_DAYS")
    return _apply(DeviceSession, DeviceSession.revoked_at < cutoff, dry_run)


def login_ips(now: datetime, dry_run: bool) -> int:
    """Forget the login IP of sessions that began more than RETENTION_DAYS ago."""
    cutoff = now - _days("RETENTION_DAYS")
    old = and_(DeviceSession.login_ip.is_not(None), DeviceSession.created_at < cutoff)
    return _apply(DeviceSession, old, dry_run, login_ip=None)


def support_session_ips(now: datetime, dry_run: bool) -> int:
    """Forget the IP of support sessions that began more than RETENTION_DAYS ago."""
    cutoff = now - _days("RETENTION_DAYS")
    old = and_(SupportSession.ip.is_not(None), SupportSession.started_at < cutoff)
    return _apply(SupportSession, old, dry_run, ip=None)


def login_failures(now: datetime, dry_run: bool) -> int:
    """Delete throttle counts (failed logins, reset and email-change requests)
    older than the longest throttle window: they count no more."""
    config = current_app.config
    seconds = max(
        config["LOGIN_WINDOW_SECONDS"], config["ACCOUNT_EMAIL_WINDOW_SECONDS"]
    )
    window = timedelta(seconds=seconds)
    return _apply(LoginFailure, LoginFailure.created_at < now - window, dry_run)


def spent_refresh_tokens(now: datetime, dry_run: bool) -> int:
    """Delete rotated-out refresh tokens of revoked (or long-gone) sessions."""
    revoked = select(DeviceSession.id).where(DeviceSession.revoked_at.is_not(None))
    outlived = now - _days("SESSION_MAX_DAYS")  # older than any live session
    where = or_(
        SpentRefreshToken.session_id.in_(revoked),
        SpentRefreshToken.spent_at < outlived,
    )
    return _apply(SpentRefreshToken, where, dry_run)


def audit_events(now: datetime, dry_run: bool) -> int:
    """Delete audit events older than RETENTION_DAYS."""
    cutoff = now - _days("RETENTION_DAYS")
    return _apply(AuditEvent, AuditEvent.created_at < cutoff, dry_run)


def push_deliveries(now: datetime, dry_run: bool) -> int:
    """Delete finished pushes older than PUSH_DELIVERY_RETENTION_DAYS."""
    cutoff = now - _days("PUSH_DELIVERY_RETENTION_DAYS")
    done = and_(PushDelivery.status.in_(FINISHED), PushDelivery.updated_at < cutoff)
    return _apply(PushDelivery, done, dry_run)


def signal_notifications(now: datetime, dry_run: bool) -> int:
    """Delete old push-only notifications (sign-out signals) with nothing queued."""
    cutoff = now - _days("PUSH_DELIVERY_RETENTION_DAYS")
    queued = exists().where(
        PushDelivery.notification_id == Notification.id,
        PushDelivery.status == "queued",
    )
    old = and_(
        Notification.in_inbox.is_(False), Notification.created_at < cutoff, ~queued
    )
    return _apply(Notification, old, dry_run)


def expired_queued_emails(now: datetime, dry_run: bool) -> int:
    """Cancel queued emails whose link has died (their bodies hold its token)."""
    dead = and_(Email.status == "queued", Email.send_before <= now)
    return _apply(
        Email,
        dead,
        dry_run,
        status="cancelled",
        last_error="its link expired before it could be sent",
        text_body=None,
        html_body=None,
        list_unsubscribe=None,
        updated_at=now,
    )


def finished_emails(now: datetime, dry_run: bool) -> int:
    """Delete sent, failed and cancelled emails older than EMAIL_RETENTION_DAYS."""
    cutoff = now - _days("EMAIL_RETENTION_DAYS")
    done = and_(Email.status != "queued", Email.updated_at < cutoff)
    return _apply(Email, done, dry_run)


def link_tokens(now: datetime, dry_run: bool) -> int:
    """Delete the hashes of emailed links past their expiry, used or not."""
    return links.purge_expired(now, dry_run=dry_run)


def expired_pending_emails(now: datetime, dry_run: bool) -> int:
    """Forget new addresses whose confirmation link expired unused."""
    expired = User.pending_email_expires_at <= now
    values = {"pending_email": None, "pending_email_expires_at": None}
    return _apply(User, expired, dry_run, **values)


def request_counts(now: datetime, dry_run: bool) -> int:
    """Delete per-client daily request counts older than the retention period."""
    cutoff = (now - _days("RETENTION_DAYS")).date()
    return _apply(ClientRequestCount, ClientRequestCount.day < cutoff, dry_run)


def prospect_idempotency_keys(_now: datetime, dry_run: bool) -> int:
    """Delete `Idempotency-Key` answers older than OPSX_IDEMPOTENCY_TTL_HOURS."""
    return idempotency.purge_expired(dry_run=dry_run)


def unused_field_keys(_now: datetime, dry_run: bool) -> int:
    """Forget custom field keys no live prospect of the client uses any more."""
    if db.get_db().dialect == "postgresql":
        uses: ColumnElement[Any] = func.jsonb_exists(
            Prospect.fields, ProspectFieldKey.key
        )
    else:
        path = literal('$."') + ProspectFieldKey.key + literal('"')
        uses = func.json_type(Prospect.fields, path).is_not(None)
    used = exists().where(
        Prospect.client_id == ProspectFieldKey.client_id,
        Prospect.deleted_at.is_(None),
        uses,
    )
    return _apply(ProspectFieldKey, ~used, dry_run)


def deleted_prospects(_now: datetime, dry_run: bool) -> int:
    """Erase the data of prospects deleted more than OPSX_PROSPECT_SCRUB_DAYS ago."""
    return prospect_retention.scrub_deleted(dry_run=dry_run)


def erased_people(now: datetime, dry_run: bool) -> int:
    """Erase people whose self-deletion grace (OPSX_DELETION_GRACE_DAYS) is over."""
    people = deletion.due(now)
    if not dry_run:
        for user in people:
            deletion.erase_person(user, now)
    return len(people)


def unconfirmed_subscriptions(now: datetime, dry_run: bool) -> int:
    """Delete newsletter subscriptions not confirmed within
    OPSX_NEWSLETTER_CONFIRM_DAYS (their link has expired)."""
    return newsletter.purge_unconfirmed(now, dry_run=dry_run)


def converted_referrals(now: datetime, dry_run: bool) -> int:
    """Referrals whose friend joined or subscribed since: count them converted,
    erase the friend's name and email."""
    return referrals.settle_conversions(now, dry_run=dry_run)


def unconverted_referrals(now: datetime, dry_run: bool) -> int:
    """Erase referrals not converted within OPSX_REFERRAL_RETENTION_DAYS."""
    return referrals.purge_unconverted(now, dry_run=dry_run)


STEPS: list[tuple[str, Step]] = [
    ("people erased after their deletion grace", erased_people),
    ("expired sessions revoked", expired_sessions),
    ("stale push tokens detached", stale_push_tokens),
    ("old revoked sessions deleted", old_sessions),
    ("login IPs cleared", login_ips),
    ("support session IPs cleared", support_session_ips),
    ("login failures deleted", login_failures),
    ("spent refresh tokens deleted", spent_refresh_tokens),
    ("audit events deleted", audit_events),
    ("push deliveries deleted", push_deliveries),
    ("sign-out notifications deleted", signal_notifications),
    ("queued emails with dead links cancelled", expired_queued_emails),
    ("emails deleted", finished_emails),
    ("expired link tokens deleted", link_tokens),
    ("expired pending emails cleared", expired_pending_emails),
    ("request counts deleted", request_counts),
    ("prospect idempotency keys deleted", prospect_idempotency_keys),
    ("deleted prospects scrubbed", deleted_prospects),
    ("unused custom field keys forgotten", unused_field_keys),
    ("unconfirmed newsletter subscriptions deleted", unconfirmed_subscriptions),
    ("referrals converted (friend's data erased)", converted_referrals),
    ("unconverted referrals erased", unconverted_referrals),
]
