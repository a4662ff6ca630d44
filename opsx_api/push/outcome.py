"""Recording what FCM answered, in short transactions of a few outcomes each.

Every write is guarded by `status = 'queued'` and the claim's `attempts`: a push
cancelled meanwhile (deactivation) stays cancelled, and a worker whose lease ran
out never records over the worker that claimed the row after it.
"""

from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine, bindparam, text, update

from models import PushDelivery
from opsx_api.clock import utcnow
from opsx_api.delivery.lease import guarded, set_guarded
from opsx_api.delivery.result import SendResult, error_text
from opsx_api.delivery.retry import RetryPolicy, retry_delay
from opsx_api.push.claim import Job, deliveries, sessions

__all__ = ["RetryPolicy", "forget_token", "record_all", "retry_delay"]

MESSAGE_ID_MAX_LENGTH = PushDelivery.fcm_message_id.type.length or 200


def record_all(
    engine: Engine, outcomes: list[tuple[Job, SendResult]], policy: RetryPolicy
) -> list[str | None]:
    """Store many send outcomes in one short transaction; the status each left.

    Successes (nearly all of them) are written with one statement and reported
    `sent`: they went out, whatever the row says now. For the rest, None means
    the row had changed meanwhile (cancelled, or claimed again after the lease).
    """
    now = utcnow()
    sent = [(job, r) for job, r in outcomes if r.outcome == "sent"]
    with engine.begin() as conn:
        if sent:
            _mark_sent(conn, sent, now)
        return [
            "sent"
            if result.outcome == "sent"
            else _record(conn, job, result, policy, now)
            for job, result in outcomes
        ]


def _mark_sent(
    conn: Connection, sent: list[tuple[Job, SendResult]], now: datetime
) -> None:
    """One statement for a group of successes (one round trip on PostgreSQL)."""
    rows = [
        (job.id, job.attempts, _storable(result.message_id)) for job, result in sent
    ]
    if conn.dialect.name != "postgresql":
        # SQLite runs in process: executemany costs no round trips there.
        params = [{"job_id": i, "job_attempts": a, "message_id": m} for i, a, m in rows]
        stmt = guarded(deliveries).values(
            status="sent", fcm_message_id=bindparam("message_id"), updated_at=now
        )
        conn.execute(stmt, params)
        return
    # One fixed statement (compiled once) whatever the group's size.
    ids, attempts, message_ids = (list(column) for column in zip(*rows, strict=True))
    conn.execute(
        _SENT_FROM_ARRAYS,
        {
            "ids": [str(i) for i in ids],
            "attempts": attempts,
            "message_ids": message_ids,
            "now": now,
        },
    )


_SENT_FROM_ARRAYS = text(
    "UPDATE push_deliveries AS d SET status = 'sent',"
    " fcm_message_id = s.message_id, updated_at = :now"
    " FROM unnest(CAST(:ids AS uuid[]), CAST(:attempts AS integer[]),"
    " CAST(:message_ids AS text[])) AS s(id, attempts, message_id)"
    " WHERE d.id = s.id AND d.attempts = s.attempts AND d.status = 'queued'"
)


def _storable(message_id: str | None) -> str | None:
    """FCM's message name, or None when it would not fit its column.

    Real names are short (`projects/<id>/messages/<id>`); an overlong one must
    not make the success unrecordable, which would send the push again.
    """
    if message_id is None or len(message_id) > MESSAGE_ID_MAX_LENGTH:
        return None
    return message_id


def _record(
    conn: Connection, job: Job, result: SendResult, policy: RetryPolicy, now: datetime
) -> str | None:
    """Store one unsuccessful outcome: dead token, failure, or a retry later."""
    error = error_text(result)
    if result.outcome == "invalid_token":
        if not _set(conn, job, now, status="invalid_token", last_error=error):
            return None
        forget_token(conn, job.token, now)
        return "invalid_token"
    if result.outcome == "failed" or job.attempts >= policy.max_attempts:
        if result.outcome != "failed":
            error = f"gave up after {job.attempts} attempts: {error}"[:200]
        return (
            "failed"
            if _set(conn, job, now, status="failed", last_error=error)
            else None
        )
    delay = retry_delay(
        job.attempts,
        policy,
        retry_after=result.retry_after,
        config_error=result.outcome == "config_error",
    )
    when = now + timedelta(seconds=delay)
    return (
        "queued"
        if _set(conn, job, now, next_attempt_at=when, last_error=error)
        else None
    )


def forget_token(conn: Connection, token: str, now: datetime) -> tuple[int, int]:
    """FCM says the token is dead: detach it and stop every queued push to it.

    Returns (sessions detached, queued pushes closed). The other pushes are marked
    `invalid_token` too, so per-broadcast counts say why they were not sent.
    """
    detached = conn.execute(
        update(sessions)
        .where(sessions.c.push_token == token, sessions.c.revoked_at.is_(None))
        .values(push_token=None, push_token_updated_at=None)
    ).rowcount
    closed = conn.execute(
        update(deliveries)
        .where(deliveries.c.token == token, deliveries.c.status == "queued")
        .values(
            status="invalid_token",
            last_error="token unregistered (found by another push)",
            updated_at=now,
        )
    ).rowcount
    return detached or 0, closed or 0


def _set(conn: Connection, job: Job, now: datetime, **values) -> bool:
    return set_guarded(conn, deliveries, job, now, **values)
