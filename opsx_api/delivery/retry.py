"""How often and how patiently a job is retried: backoff with jitter, a limit."""

import random
from dataclasses import dataclass

_RETRY_AFTER_CAP = 86_400.0  # a day: never trust a header to park a job forever
_MAX_DOUBLINGS = 40  # 2^40 x any base is past any cap; keeps the float finite


@dataclass(frozen=True)
class RetryPolicy:
    """Attempts before `failed`, and the backoff between them."""

    max_attempts: int = 10
    backoff_base: float = 2.0
    backoff_max: float = 900.0
    config_error_backoff: float = 600.0


def retry_delay(
    attempts: int,
    policy: RetryPolicy,
    *,
    retry_after: float | None = None,
    config_error: bool = False,
    rng: random.Random | None = None,
) -> float:
    """Seconds until the next attempt after `attempts` sends.

    Exponential (base x 2^(attempts-1), capped) with "equal jitter": between half
    and all of it, so a burst of failures spreads out but never retries early.
    `Retry-After` is a floor; a configuration fault waits the long backoff.
    """
    draw = rng.uniform if rng is not None else random.uniform
    doublings = min(max(0, attempts - 1), _MAX_DOUBLINGS)
    ceiling = min(policy.backoff_max, policy.backoff_base * 2**doublings)
    delay = ceiling / 2 + draw(0, ceiling / 2)
    if config_error:
        delay = max(delay, policy.config_error_backoff)
    if retry_after:
        delay = max(delay, min(retry_after, _RETRY_AFTER_CAP))
    return delay
