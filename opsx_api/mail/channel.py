"""The email channel of `flask worker`: claims, sends and records emails.

Claims and leases are the push pipeline's (`opsx_api/delivery/`). What is
email's own: an email whose link expired before it could go out is cancelled;
a final write (`sent`, `failed`, `cancelled`) blanks the bodies, so a raw link
token never outlives its delivery; and only the server's 4xx answers about the
message count toward the retry limit: while the server is unreachable or
refuses our credentials, emails wait (backoff up to EMAIL_BACKOFF_MAX_SECONDS)
and go out when it is back.
"""

import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, Row, select

from models import Email
from opsx_api.clock import utcnow
from opsx_api.delivery import lease
from opsx_api.delivery.result import SendResult, error_text
from opsx_api.delivery.retry import RetryPolicy, retry_delay
from opsx_api.mail.message import build_message
from opsx_api.mail.senders import ConsoleSender, SmtpSender

emails = Email.__table__
BLANK = {"text_body": None, "html_body": None, "list_unsubscribe": None}
LINK_EXPIRED = "its link expired before it could be sent"


class Sender(Protocol):
    timeout: float

    def send(self, message: Any) -> SendResult: ...


@dataclass(frozen=True)
class EmailJob:
    """A claimed email: what the message needs, and the claim's fencing token."""

    id: uuid.UUID
    attempts: int  # after this claim
    failures: int
    to_address: str
    to_name: str
    subject: str
    text_body: str
    html_body: str
    message_id: str
    claimed_at: float
    list_unsubscribe: str | None = None


_COLUMNS = select(
    emails.c.id,
    emails.c.attempts,
    emails.c.failures,
    emails.c.to_address,
    emails.c.to_name,
    emails.c.subject,
    emails.c.text_body,
    emails.c.html_body,
    emails.c.message_id,
    emails.c.send_before,
    emails.c.list_unsubscribe,
)


@dataclass
class EmailChannel:
    """Delivers the `emails` outbox through a sender (SMTP, or the console)."""

    sender: Sender
    mail_from: str
    lease_seconds: float = 120.0
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    name: str = "email"
    alert_event: str = "smtp.configuration_fault"
    alert_hint: str = "check OPSX_SMTP_URL and OPSX_MAIL_FROM"

    @property
    def timeout(self) -> float:
        return self.sender.timeout

    def claim(self, engine: Engine, limit: int) -> list[EmailJob]:
        now = utcnow()
        with engine.begin() as conn:
            rows = lease.lock_due(conn, _COLUMNS, emails, limit, now)
            expired = [r.id for r in rows if _expired(r, now)]
            lease.cancel(conn, emails, expired, LINK_EXPIRED, now, **BLANK)
            jobs = [_job(r) for r in rows if r.id not in expired]
            lease.lease(conn, emails, [j.id for j in jobs], now, self.lease_seconds)
        return jobs

    def recheck(self, engine: Engine, job: EmailJob) -> bool:
        now = utcnow()
        with engine.begin() as conn:
            row = lease.still_ours(conn, _COLUMNS, emails, job)
            if row is None:
                return False
            if _expired(row, now):
                lease.cancel(conn, emails, [row.id], LINK_EXPIRED, now, **BLANK)
                return False
        return True

    def send(self, job: EmailJob) -> SendResult:
        message = build_message(
            sender=self.mail_from,
            to_address=job.to_address,
            to_name=job.to_name,
            subject=job.subject,
            text_body=job.text_body,
            html_body=job.html_body,
            message_id=job.message_id,
            list_unsubscribe=job.list_unsubscribe,
        )
        return self.sender.send(message)

    def record_all(self, engine: Engine, outcomes: list) -> list[str | None]:
        now = utcnow()
        with engine.begin() as conn:
            return [self._record(conn, job, result, now) for job, result in outcomes]

    def _record(
        self, conn: Connection, job: EmailJob, result: SendResult, now: datetime
    ) -> str | None:
        """Store one outcome; the status it left (None: the row had moved on)."""
        if result.outcome == "sent":
            lease.set_guarded(
                conn, emails, job, now, status="sent", last_error=None, **BLANK
            )
            return "sent"  # it went out, whatever the row says now
        error = error_text(result)
        failures = job.failures + (1 if result.counted else 0)
        if result.outcome != "retry" and result.outcome != "config_error":
            status = "failed"
        elif failures >= self.policy.max_attempts:
            status = "failed"
            error = f"gave up after {failures} refusals: {error}"[:200]
        else:
            delay = retry_delay(job.attempts, self.policy)
            when = now + timedelta(seconds=delay)
            wrote = lease.set_guarded(
                conn,
                emails,
                job,
                now,
                next_attempt_at=when,
                failures=failures,
                last_error=error,
            )
            return "queued" if wrote else None
        wrote = lease.set_guarded(
            conn,
            emails,
            job,
            now,
            status=status,
            failures=failures,
            last_error=error,
            **BLANK,
        )
        return status if wrote else None

    def release(self, engine: Engine, jobs: list) -> int:
        return lease.release(engine, emails, jobs)


def _expired(row: Row, now: datetime) -> bool:
    return row.send_before is not None and row.send_before <= now


def _job(row: Row) -> EmailJob:
    return EmailJob(
        id=row.id,
        attempts=row.attempts + 1,
        failures=row.failures,
        to_address=row.to_address,
        to_name=row.to_name,
        subject=row.subject,
        text_body=row.text_body or "",
        html_body=row.html_body or "",
        message_id=row.message_id,
        claimed_at=time.monotonic(),
        list_unsubscribe=row.list_unsubscribe,
    )


def build_email_channel(config: dict[str, Any]) -> EmailChannel:
    """The email channel from `OPSX_` settings: SMTP, or the console without it."""
    smtp = config.get("SMTP")
    sender: Sender = (
        SmtpSender(smtp, timeout=config["SMTP_TIMEOUT"]) if smtp else ConsoleSender()
    )
    return EmailChannel(
        sender,
        config["MAIL_FROM"],
        lease_seconds=max(1, config["EMAIL_LEASE_SECONDS"]),
        policy=RetryPolicy(
            max_attempts=max(1, config["EMAIL_MAX_ATTEMPTS"]),
            backoff_base=config["EMAIL_BACKOFF_BASE_SECONDS"],
            backoff_max=config["EMAIL_BACKOFF_MAX_SECONDS"],
            config_error_backoff=0.0,  # not counted; the backoff alone spaces them
        ),
    )
