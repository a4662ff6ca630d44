"""What one send attempt came to, whatever the channel: a classified `SendResult`."""

from dataclasses import dataclass
from typing import Literal

Outcome = Literal["sent", "invalid_token", "retry", "config_error", "failed"]


@dataclass(frozen=True)
class SendResult:
    """What happened to one job; `detail` is short and never holds a secret.

    `retry` is transient (retried with backoff); `config_error` is ours to fix
    (alerted, retried); `failed` is final; `invalid_token` is push's dead token.
    `counted=False` marks a retry that says nothing about this job (the server
    was unreachable): it does not count toward the attempt limit of channels
    that honour it (email).
    """

    outcome: Outcome
    message_id: str | None = None
    error_code: str | None = None
    http_status: int | None = None
    retry_after: float | None = None
    detail: str | None = None
    counted: bool = True


def error_text(result: SendResult) -> str:
    """`last_error` for an unsuccessful result: outcome, status, code, detail."""
    parts: list[str] = [result.outcome]
    if result.http_status:
        parts.append(f"HTTP {result.http_status}")
    if result.error_code:
        parts.append(result.error_code)
    text = " ".join(parts)
    if result.detail:
        text = f"{text}: {result.detail}"
    return text[:200]
