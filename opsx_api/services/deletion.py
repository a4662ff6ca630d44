"""Deleting one's own account: cut off now, erased after a grace period.

`POST /me/deletion {password}` deactivates the account at once (the
deactivation cascade: every session and token revoked, push tokens detached,
queued pushes cancelled) and schedules the erasure `OPSX_DELETION_GRACE_DAYS`
(30) later. A confirmation email carries a link that cancels it during the
grace period; a company admin's reactivation cancels it too. After the grace,
`flask admin purge` erases the person (`erase_person`): name, email, IPs,
devices, push tokens, notifications, emails, links, the newsletter
subscription, the referrals they made (and their address in others');
audit events keep the action and the time, nothing personal. Prospects they
entered stay: they are the client's data. The user row stays, anonymised, so
that ids pointing at it (audit events, prospects, notes) remain valid and say
nothing.
"""

from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, delete, func, or_, select, update

from models import (
    AuditEvent,
    Base,
    DeviceSession,
    Email,
    IdempotencyKey,
    LinkToken,
    LoginFailure,
    Notification,
    PushDelivery,
    SupportSession,
    User,
)
from opsx_api import db
from opsx_api.actor import Actor
from opsx_api.auth.identity import Identity
from opsx_api.clock import utcnow
from opsx_api.errors import Conflict, InvalidLinkToken
from opsx_api.services import (
    accounts,
    audit,
    credentials,
    emails,
    links,
    newsletter,
    referrals,
    throttle,
)
from opsx_api.services import users as user_service

CANCEL = "deletion_cancel"
ERASED_NAME = "Deleted user"
# Every throttle key derived from an address (login, reset requests).
ADDRESS_KEY_KINDS = ("account", "reset-address", "newsletter-address")


def request_deletion(identity: Identity, password: str, *, ip: str | None) -> datetime:
    """Cut the caller off now and schedule the erasure; when it will happen.

    The password is confirmed like a login (a wrong one counts toward the
    throttle). The last active admin of a company cannot leave it without an
    admin: 409 `last_admin`.
    """
    user = credentials.confirm_own_password(identity, password, ip=ip)
    if user.role == "admin" and not _another_active_admin(user):
        raise Conflict(
            "You are the company's only admin: make someone else admin first.",
            code="last_admin",
        )
    user_service.deactivate(user, actor=identity, reason="the person asked")
    grace = timedelta(days=current_app.config["DELETION_GRACE_DAYS"])
    erase_after = user.erase_after = utcnow() + grace
    link = links.issue(user, CANCEL, ttl=grace)
    emails.queue_to_user(
        user,
        "deletion_scheduled",
        {
            "link": link.url,
            "erase_after": erase_after.strftime("%Y-%m-%d %H:%M UTC"),
            "days": grace.days,
        },
        send_before=link.expires_at,
    )
    audit.record(
        "user.deletion_requested",
        client_id=user.client_id,
        actor=identity,
        target=user,
        details={"erase_after": erase_after.isoformat()},
    )
    return erase_after


def cancel_from_link(raw_token: str) -> User:
    """Keep the account (the link in the confirmation email): it is active again.

    Sessions do not come back; the person logs in again. 400 `invalid_token`
    once the deletion is no longer pending (cancelled, or already erased).
    """
    _token, user = accounts.spend_link(raw_token, (CANCEL,))
    if user.erase_after is None or user.erased_at is not None:
        raise InvalidLinkToken()
    user_service.reactivate(user, actor=Actor.of(user))
    audit.record(
        "user.deletion_cancelled",
        client_id=user.client_id,
        actor=Actor.of(user),
        target=user,
    )
    return user


def due(now: datetime) -> list[User]:
    """People whose grace period is over and who are not erased yet."""
    stmt = select(User).where(
        User.erase_after <= now,
        User.erased_at.is_(None),
        User.status == "deactivated",
    )
    return list(db.session().scalars(stmt.with_for_update(of=User)))


def erase_person(user: User, now: datetime) -> None:
    """Remove or anonymise everything personal about `user` (no commit)."""
    address = user.email
    person = str(user.id)
    _delete(PushDelivery, PushDelivery.user_id == user.id)
    _delete(Notification, Notification.user_id == user.id)
    _delete(DeviceSession, DeviceSession.user_id == user.id)
    _delete(Email, or_(Email.user_id == user.id, Email.to_address == address))
    _delete(LinkToken, LinkToken.user_id == user.id)
    _delete(IdempotencyKey, IdempotencyKey.user_id == user.id)
    newsletter.erase_person(user, address)
    referrals.erase_person(user, address)
    keys = [throttle.key(kind, address) for kind in ADDRESS_KEY_KINDS]
    _delete(LoginFailure, LoginFailure.key.in_(keys))
    _blank(SupportSession, SupportSession.staff_id == user.id, ip=None)
    _blank(
        AuditEvent,
        or_(AuditEvent.actor_id == user.id, AuditEvent.target_id == person),
        ip=None,
        details={},
    )
    _redact_support_notices(person)
    user.name = ERASED_NAME
    user.email = f"erased-{user.id.hex}@erased.invalid"
    user.pending_email = user.pending_email_expires_at = None
    user.password_hash = None
    user.invited_at = None
    user.erased_at = user.updated_at = now


def _another_active_admin(user: User) -> bool:
    others = select(func.count()).where(
        User.client_id == user.client_id,
        User.role == "admin",
        User.status == "active",
        User.id != user.id,
    )
    return bool(db.session().scalar(others))


def _redact_support_notices(staff_id: str) -> None:
    """Admins' inbox notices of support sessions name the staff member."""
    notices = (
        select(Notification.id)
        .where(Notification.kind == "support_session_started")
        .where(Notification.data["staff_id"].as_string() == staff_id)
    )
    db.changed(
        update(Notification)
        .where(Notification.id.in_(notices))
        .values(body="Someone from support opened a session.")
        .execution_options(synchronize_session=False)
    )


def _delete(model: type[Base], where: ColumnElement[bool]) -> None:
    stmt = delete(model).where(where)
    db.changed(stmt.execution_options(synchronize_session=False))


def _blank(model: type[Base], where: ColumnElement[bool], **values: Any) -> None:
    stmt = update(model).where(where).values(**values)
    db.changed(stmt.execution_options(synchronize_session=False))
