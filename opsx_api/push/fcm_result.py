"""What one FCM HTTP v1 answer means for the outbox: a classified `SendResult`.

Follows DESIGN.md (Push pipeline): delete the token only when FCM says it is dead,
retry what is transient, and flag configuration faults instead of retrying them.
"""

import datetime as dt
import email.utils
import json
import math
from collections.abc import Mapping
from typing import Any

from opsx_api.delivery.result import Outcome, SendResult

__all__ = ["Outcome", "SendResult", "classify", "parse_retry_after"]
_TOKEN_CODES = {"UNREGISTERED", "SENDER_ID_MISMATCH"}
_RETRY_CODES = {"QUOTA_EXCEEDED", "UNAVAILABLE", "INTERNAL"}
_CONFIG_CODES = {"THIRD_PARTY_AUTH_ERROR", "PERMISSION_DENIED", "UNAUTHENTICATED"}


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a `Retry-After` header (delta-seconds or HTTP-date)."""
    if not value:
        return None
    try:
        seconds = float(value)
        return max(0.0, seconds) if math.isfinite(seconds) else None
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


def classify(
    status: int, body: str, headers: Mapping[str, str], token: str
) -> SendResult:
    """Map one FCM HTTP answer to a `SendResult` (DESIGN.md, Push pipeline)."""
    try:
        payload = json.loads(body) if body else {}
    except ValueError:
        payload = {}
    payload = payload if isinstance(payload, dict) else {}
    retry_after = parse_retry_after(headers.get("Retry-After"))
    if status == 200:
        name = payload.get("name")
        if not isinstance(name, str) or not name:
            return SendResult("failed", http_status=200, detail="200 without a name")
        return SendResult("sent", message_id=name, http_status=200)
    raw_error = payload.get("error")
    error: dict[str, Any] = raw_error if isinstance(raw_error, dict) else {}
    raw_details = error.get("details")
    listed: list[Any] = raw_details if isinstance(raw_details, list) else []
    details = [d for d in listed if isinstance(d, dict)]
    fcm_code = next((d["errorCode"] for d in details if d.get("errorCode")), None)
    reasons = {d.get("reason") for d in details}
    code = fcm_code or error.get("status") or None
    message = str(error.get("message") or body[:200] or f"HTTP {status}")
    detail = message.replace(token, "<token>")[:200] if token else message[:200]

    def result(outcome: Outcome) -> SendResult:
        return SendResult(outcome, None, code, status, retry_after, detail)

    if fcm_code in _TOKEN_CODES:
        return result("invalid_token")
    if fcm_code == "INVALID_ARGUMENT" or status == 400:
        return result("invalid_token" if _about_token(message, details) else "failed")
    if status == 401 and "ACCESS_TOKEN_EXPIRED" in reasons:
        return result("retry")  # the next attempt gets a fresh token
    if fcm_code in _RETRY_CODES or status == 429 or status >= 500:
        return result("retry")
    # 404 without UNREGISTERED means a wrong URL or project: never delete tokens.
    if code in _CONFIG_CODES or status in (401, 403, 404):
        return result("config_error")
    return result("failed")


def _about_token(message: str, details: list[dict[str, Any]]) -> bool:
    if "registration token" in message.lower() or "message.token" in message:
        return True
    violations = [v for d in details for v in d.get("fieldViolations") or []]
    return any(
        isinstance(v, dict) and v.get("field") == "message.token" for v in violations
    )
