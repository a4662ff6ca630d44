"""The push channel of `flask worker`: FCM through the one `HardenedFCM`.

What is generic (claims, leases, the thread pool, the recorder, backoff) lives in
`opsx_api/delivery/`; this module holds what only pushes have: the send-time
gate (`claim.py`), dead tokens, and FCM's answers (`outcome.py`).
"""

import threading
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from opsx_api.delivery.result import SendResult
from opsx_api.delivery.retry import RetryPolicy
from opsx_api.push import claim as gate
from opsx_api.push import outcome
from opsx_api.push.fcm_client import HardenedFCM, build_fcm_client
from opsx_api.push.payload import message_for


@dataclass
class PushChannel:
    """Claims, gates, sends and records pushes (docs/decisions/push.md)."""

    fcm: HardenedFCM
    lease_seconds: float = 60.0
    idle_days: int = 30
    policy: RetryPolicy = RetryPolicy()
    name: str = "push"
    alert_event: str = "fcm.configuration_fault"
    alert_hint: str = (
        "check OPSX_FCM_CREDENTIALS, OPSX_FCM_PROJECT_ID, OPSX_FCM_ENDPOINT"
    )
    _dead_tokens: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def timeout(self) -> float:
        return self.fcm.timeout

    def claim(self, engine: Engine, limit: int) -> list[gate.Job]:
        return gate.claim_due(
            engine,
            limit,
            lease_seconds=self.lease_seconds,
            idle_days=self.idle_days,
            max_attempts=self.policy.max_attempts,
        )

    def recheck(self, engine: Engine, job: gate.Job) -> bool:
        return gate.recheck(engine, job, idle_days=self.idle_days)

    def send(self, job: gate.Job) -> SendResult:
        with self._lock:
            dead = job.token in self._dead_tokens
        if dead:
            # Another thread just learned this token is dead; its outcome may not
            # be written yet, so this push was still claimable. Do not send.
            return SendResult("invalid_token", detail="token found dead just before")
        try:
            result = self.fcm.send(job.token, **message_for(job))
        except (TypeError, ValueError) as exc:  # a payload FCM would refuse
            return SendResult("failed", detail=f"{type(exc).__name__}: {exc}")
        if result.outcome == "invalid_token":
            with self._lock:
                if len(self._dead_tokens) >= 10_000:  # only the recent ones matter
                    self._dead_tokens.clear()
                self._dead_tokens.add(job.token)
        return result

    def record_all(self, engine: Engine, outcomes: list) -> list[str | None]:
        return outcome.record_all(engine, outcomes, self.policy)

    def release(self, engine: Engine, jobs: list) -> int:
        return gate.release(engine, jobs)


def build_push_channel(config: dict[str, Any], *, threads: int) -> PushChannel:
    """The push channel from `OPSX_` settings; ValueError for a bad FCM setup."""
    fcm = build_fcm_client(
        config["FCM_PROJECT_ID"],
        config["FCM_ENDPOINT"],
        config["FCM_CREDENTIALS"],
        timeout=config["FCM_TIMEOUT"],
        pool_size=threads,
    )
    return PushChannel(
        fcm,
        lease_seconds=max(1, config["PUSH_LEASE_SECONDS"]),
        idle_days=config["SESSION_IDLE_DAYS"],
        policy=RetryPolicy(
            max_attempts=max(1, config["PUSH_MAX_ATTEMPTS"]),
            backoff_base=config["PUSH_BACKOFF_BASE_SECONDS"],
            backoff_max=config["PUSH_BACKOFF_MAX_SECONDS"],
            config_error_backoff=config["PUSH_CONFIG_ERROR_BACKOFF_SECONDS"],
        ),
    )
