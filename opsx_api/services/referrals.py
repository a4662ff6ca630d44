"""Referrals: a user invites a friend by name and email, once.

The friend's name and email are kept for two purposes only (the privacy
policy's): sending the one invitation, and telling whether the referral
converted. A referral converts when the friend's address becomes an OpsX
account or a confirmed newsletter subscriber after the invitation; purge then
erases the name and email and keeps only the fact and its date. The friend can
remove their data at once from the invitation's link; an unconverted referral
is deleted after OPSX_REFERRAL_RETENTION_DAYS. Services here never commit.
"""

import uuid
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import and_, delete, exists, or_, select, update

from models import Email, NewsletterSubscription, Referral, User
from opsx_api import db
from opsx_api.auth.identity import Identity
from opsx_api.clock import utcnow
from opsx_api.errors import Conflict
from opsx_api.pagination import Page, keyset_page
from opsx_api.services import emails, signed_links, throttle

REMOVAL = "referral_removal"
KIND = "referral_invitation"


def refer(identity: Identity, *, name: str, email: str) -> Referral:
    """Record the friend and queue their one invitation; 409 `already_referred`.

    Throttled per referrer (429): nobody can use OpsX to mail strangers at will.
    The count is reserved first, in a transaction of its own, before the
    request's transaction takes any lock (SQLite has one writer).
    """
    config = current_app.config
    window = timedelta(seconds=config["ACCOUNT_EMAIL_WINDOW_SECONDS"])
    limit = (
        throttle.key("referral-user", str(identity.user_id)),
        config["REFERRAL_MAX_PER_USER"],
    )
    throttle.reserve(
        [limit], window, "Too many referrals; try again later.", throttle="referral"
    )
    user = db.session().get_one(User, identity.user_id)
    taken = select(Referral.id).where(
        Referral.referrer_id == user.id, Referral.email == email
    )
    if db.session().scalar(taken) is not None:
        raise Conflict(
            "You have already referred this address.", code="already_referred"
        )
    referral = Referral(
        id=uuid.uuid4(),
        referrer_id=user.id,
        name=name,
        email=email,
        created_at=utcnow(),
    )
    db.session().add(referral)
    emails.queue(
        KIND,
        to_address=email,
        to_name=name,
        context={
            "referrer_name": user.name,
            "link": signed_links.url(REMOVAL, referral.id),
            "days": current_app.config["REFERRAL_RETENTION_DAYS"],
        },
        user_id=user.id,  # the referrer's: their erasure takes it along
    )
    return referral


def list_mine(user: User, args: dict[str, Any]) -> Page:
    """The caller's referrals, newest first."""
    stmt = select(Referral).where(Referral.referrer_id == user.id)
    return keyset_page(
        stmt, (Referral.created_at, Referral.id), (datetime, uuid.UUID), args
    )


def remove(raw_token: str) -> None:
    """The friend's link: their name, email and invitation are deleted now.

    Idempotent: a genuine token whose referral is gone changes nothing. A
    forged or altered token is 400 `invalid_token`.
    """
    referral_id = signed_links.verify(raw_token, REMOVAL)
    referral = db.session().get(Referral, referral_id, with_for_update=True)
    if referral is not None:
        _forget(referral)


def settle_conversions(now: datetime, *, dry_run: bool) -> int:
    """Mark referrals whose friend joined since; erase the friend's data."""
    joined = exists().where(
        User.email == Referral.email, User.created_at >= Referral.created_at
    )
    subscribed = exists().where(
        NewsletterSubscription.email == Referral.email,
        NewsletterSubscription.status == "subscribed",
        NewsletterSubscription.confirmed_at >= Referral.created_at,
    )
    converted = select(Referral).where(
        Referral.email.is_not(None),
        Referral.converted_at.is_(None),
        or_(joined, subscribed),
    )
    rows = list(db.session().scalars(converted.with_for_update(of=Referral)))
    if not dry_run:
        for referral in rows:
            _forget_invitation(referral)
            referral.name = referral.email = None
            referral.converted_at = now
    return len(rows)


def purge_unconverted(now: datetime, *, dry_run: bool) -> int:
    """Delete referrals not converted within OPSX_REFERRAL_RETENTION_DAYS."""
    cutoff = now - timedelta(days=current_app.config["REFERRAL_RETENTION_DAYS"])
    stale = select(Referral).where(
        Referral.converted_at.is_(None), Referral.created_at <= cutoff
    )
    rows = list(db.session().scalars(stale.with_for_update(of=Referral)))
    if not dry_run:
        for referral in rows:
            _forget(referral)
    return len(rows)


def erase_person(user: User, address: str) -> None:
    """Erasure: every referral the person made (their invitations go with
    their emails), and their name and address in referrals naming them."""
    db.changed(delete(Referral).where(Referral.referrer_id == user.id))
    db.changed(
        update(Referral)
        .where(Referral.email == address)
        .values(name=None, email=None)
        .execution_options(synchronize_session=False)
    )


def export_of(user: User) -> list[dict[str, Any]]:
    """The export's `referrals` section: what the person entered, and its fate."""
    rows = db.session().scalars(
        select(Referral)
        .where(Referral.referrer_id == user.id)
        .order_by(Referral.created_at.desc())
    )
    return [
        {
            "id": str(row.id),
            "name": row.name,
            "email": row.email,
            "created_at": row.created_at.isoformat(),
            "converted_at": row.converted_at.isoformat() if row.converted_at else None,
        }
        for row in rows
    ]


def _forget(referral: Referral) -> None:
    _forget_invitation(referral)
    db.session().delete(referral)


def _forget_invitation(referral: Referral) -> None:
    """The invitation email's row names the friend too (address, name)."""
    db.changed(
        delete(Email).where(
            and_(
                Email.kind == KIND,
                Email.user_id == referral.referrer_id,
                Email.to_address == referral.email,
            )
        )
    )
