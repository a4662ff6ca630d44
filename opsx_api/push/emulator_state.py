"""What the FCM emulator knows and answers, independent of the HTTP server.

`EmulatorState` holds the recorded messages, attempts and per-token scripts behind
one lock, and turns a request into a `Reply`. The server in `emulator.py` only
moves bytes, so this logic is testable and cheap per request.
"""

import base64
import json
import re
import secrets
import threading
import time
import urllib.parse
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

# FCM errorCode -> (HTTP status, google.rpc status, message), as FCM answers them.
FCM_ERRORS: dict[str, tuple[int, str, str]] = {
    "INVALID_ARGUMENT": (400, "INVALID_ARGUMENT", "Invalid argument."),
    "UNREGISTERED": (404, "NOT_FOUND", "Requested entity was not found."),
    "SENDER_ID_MISMATCH": (403, "PERMISSION_DENIED", "SenderId mismatch"),
    "QUOTA_EXCEEDED": (429, "RESOURCE_EXHAUSTED", "Quota exceeded."),
    "UNAVAILABLE": (503, "UNAVAILABLE", "The service is currently unavailable."),
    "INTERNAL": (500, "INTERNAL", "Internal error encountered."),
    "THIRD_PARTY_AUTH_ERROR": (401, "UNAUTHENTICATED", "Auth error from APNS."),
}
# A scripted bare status gets the errorCode FCM would attach; 401/403 come from
# Google's front end (bad OAuth token, wrong project) and carry no FcmError.
_STATUS_CODES = {400: "INVALID_ARGUMENT", 404: "UNREGISTERED", 429: "QUOTA_EXCEEDED"}
_STATUS_CODES |= {500: "INTERNAL", 503: "UNAVAILABLE"}
_FRONT_END = {401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED"}
_FCM_ERROR_TYPE = "type.googleapis.com/google.firebase.fcm.v1.FcmError"
_JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
_SCRIPT_KEYS = {"status", "error_code", "message", "retry_after", "delay", "name"}
_MESSAGE_KEYS = {"name", "data", "notification", "android", "webpush", "apns"}
_MESSAGE_KEYS |= {"fcm_options", "token", "topic", "condition"}
_RESERVED_DATA = {"from", "notification", "message_type"}
_TTL = re.compile(r"^\d+(\.\d{1,9})?s$")
BAD_TOKEN = "The registration token is not a valid FCM registration token"


@dataclass(frozen=True)
class Reply:
    """An HTTP answer: status, JSON body, extra headers, seconds to wait first."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass(frozen=True)
class Attempt:
    """One `messages:send` request as the emulator saw it (success or not)."""

    token: str | None
    status: int
    received_at: float
    bearer: str | None


def fcm_error(
    error_code: str | None, status: int | None = None, message: str | None = None
) -> Reply:
    """Build FCM's error answer; `error_code` None means no FcmError detail."""
    if error_code in FCM_ERRORS:
        http, rpc_status, default = FCM_ERRORS[error_code]
        status = status or http
    else:
        rpc_status, default = _FRONT_END.get(status or 500, "UNKNOWN"), "Error."
    error: dict[str, Any] = {"code": status, "message": message or default}
    error["status"] = rpc_status
    if error_code:
        error["details"] = [{"@type": _FCM_ERROR_TYPE, "errorCode": error_code}]
    return Reply(status or 500, {"error": error})


def check_script(responses: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Validate scripted responses so a typo fails loudly, not as a silent 200."""
    for entry in responses:
        if not isinstance(entry, dict) or set(entry) - _SCRIPT_KEYS:
            raise ValueError(f"script entries take only {sorted(_SCRIPT_KEYS)}")
        status, code = entry.get("status"), entry.get("error_code")
        if status is not None and not (isinstance(status, int) and 200 <= status < 600):
            raise ValueError(f"bad status {status!r}")
        if code is not None and code not in FCM_ERRORS and status is None:
            raise ValueError(f"unknown error_code {code!r} needs an explicit status")
        if not 0 <= float(entry.get("delay", 0)) <= 60:
            raise ValueError("delay must be between 0 and 60 seconds")
    return [dict(entry) for entry in responses]


def scripted_reply(entry: dict[str, Any]) -> Reply | None:
    """The error a script entry asks for, or None when it means success."""
    status, code = entry.get("status"), entry.get("error_code")
    if code is None and (status is None or status == 200):
        return None
    reply = fcm_error(
        code or _STATUS_CODES.get(status or 0), status, entry.get("message")
    )
    if entry.get("retry_after") is not None:
        value = entry["retry_after"]
        value = int(value) if isinstance(value, float) and value.is_integer() else value
        reply.headers["Retry-After"] = str(value)
    return reply


def validate_message(body: Any) -> str | None:
    """Check a send request the way FCM does, enough to be useful; None if fine."""
    if not isinstance(body, dict) or not isinstance(body.get("message"), dict):
        return "Invalid JSON payload received. 'message' is required."
    if set(body) - {"message", "validate_only"}:
        return f"Invalid JSON payload received. Unknown name {sorted(body)!r}."
    message = body["message"]
    if set(message) - _MESSAGE_KEYS:
        return f"Unknown name {sorted(set(message) - _MESSAGE_KEYS)!r} at 'message'."
    targets = [key for key in ("token", "topic", "condition") if key in message]
    if len(targets) != 1:
        return "Exactly one of message.token, topic or condition must be set."
    token = message.get("token", "-")
    if not isinstance(token, str) or len(token) > 4096 or token.split() != [token]:
        return BAD_TOKEN
    data = message.get("data", {})
    if not isinstance(data, dict):
        return "Invalid value at 'message.data'."
    for key, value in data.items():
        if not isinstance(value, str):
            return f"Invalid value at 'message.data[{key}].value' (TYPE_STRING)."
        if key in _RESERVED_DATA or key.startswith(("google.", "gcm.")):
            return f"Invalid data payload key: {key}"
    for name in ("notification", "android", "apns", "webpush", "fcm_options"):
        if not isinstance(message.get(name, {}), dict):
            return f"Invalid value at 'message.{name}'."
    ttl = message.get("android", {}).get("ttl")
    if ttl is not None and not (isinstance(ttl, str) and _TTL.match(ttl)):
        return "Invalid value at 'message.android.ttl' (type.googleapis.com/Duration)."
    return None


def _jwt_claims(assertion: str) -> dict[str, Any] | None:
    parts = assertion.split(".")
    if len(parts) != 3:
        return None
    try:
        padded = parts[1] + "=" * (-len(parts[1]) % 4)
        claims = json.loads(base64.urlsafe_b64decode(padded))
    except ValueError:
        return None
    return claims if isinstance(claims, dict) else None


class EmulatorState:
    """Recorded traffic and scripted behaviour of the FCM emulator; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sequence = 0
        self._scripts: dict[str, deque[dict[str, Any]]] = {}
        self._repeat_last: dict[str, dict[str, Any]] = {}
        self._unregistered: set[str] = set()
        self._down = False
        self._token_exchange_failing = False
        self._messages: list[dict[str, Any]] = []
        self._attempt_log: list[Attempt] = []
        self._counts: Counter[str | None] = Counter()
        self.token_exchanges: list[dict[str, Any]] = []
        """JWT claims of every accepted OAuth token exchange, oldest first."""
        self.issued_tokens: list[str] = []

    def script(
        self, token: str, responses: list[dict[str, Any]], *, repeat_last: bool = False
    ) -> None:
        """Answer `token`'s next attempts from `responses`, one each, then 200.

        Entries: {"status"}, {"error_code"}, {"retry_after"}, {"delay"}, {"message"}
        in any combination; {} or {"delay": s} alone is a (slow) success, and
        {"name": ...} a success answering that message name. With
        `repeat_last` the last entry keeps answering once the script runs out.
        """
        entries = check_script(responses)
        with self._lock:
            self._scripts[token] = deque(entries)
            self._repeat_last.pop(token, None)
            if repeat_last and entries:
                self._repeat_last[token] = entries[-1]

    def set_unregistered(self, token: str, unregistered: bool = True) -> None:
        """Make `token` answer UNREGISTERED (404) until switched back."""
        with self._lock:
            change = (
                self._unregistered.add if unregistered else self._unregistered.discard
            )
            change(token)

    def set_down(self, down: bool = True) -> None:
        """Answer 503 UNAVAILABLE to every send while down."""
        with self._lock:
            self._down = down

    def set_token_exchange_failing(self, failing: bool = True) -> None:
        """Refuse OAuth token exchanges with 400 invalid_grant (a revoked key)."""
        with self._lock:
            self._token_exchange_failing = failing

    def clear_messages(self) -> None:
        """Forget recorded messages and attempts; scripts and switches stay."""
        with self._lock:
            self._messages.clear()
            self._attempt_log.clear()
            self._counts.clear()

    def reset(self) -> None:
        """Forget everything: messages, attempts, scripts, switches, tokens."""
        self.clear_messages()
        with self._lock:
            self._scripts.clear()
            self._repeat_last.clear()
            self._unregistered.clear()
            self._down = self._token_exchange_failing = False
            self.token_exchanges.clear()
            self.issued_tokens.clear()

    @property
    def messages(self) -> list[dict[str, Any]]:
        """Delivered messages: {name, token, message, received_at}, oldest first."""
        with self._lock:
            return list(self._messages)

    def attempts(self, token: str | None) -> int:
        """How many `messages:send` requests named `token`, whatever the answer."""
        with self._lock:
            return self._counts[token]

    def attempt_log(self, token: str | None = None) -> list[Attempt]:
        """Every attempt (all tokens, or one), oldest first, for timing asserts."""
        with self._lock:
            return [a for a in self._attempt_log if token is None or a.token == token]

    def attempt_counts(self) -> dict[str | None, int]:
        """Attempts per token."""
        with self._lock:
            return dict(self._counts)

    def answer_send(self, project: str, authorization: str | None, raw: bytes) -> Reply:
        """Answer one `POST /v1/projects/<project>/messages:send`."""
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        message = body.get("message") if isinstance(body, dict) else None
        token = message.get("token") if isinstance(message, dict) else None
        token = token if isinstance(token, str) else None
        scheme, _, bearer = (authorization or "").partition(" ")
        bearer_ok = scheme.lower() == "bearer" and bool(bearer.strip())
        with self._lock:
            reply, entry = self._decide(body, token, bearer_ok)
            if reply is None:
                self._sequence += 1
                name = f"projects/{project}/messages/0:{self._sequence}%emu"
                name = (entry or {}).get("name") or name  # scripted: any name
                if not body.get("validate_only"):
                    record = {"name": name, "token": token, "message": message}
                    self._messages.append(record | {"received_at": time.time()})
                reply = Reply(200, {"name": name})
            if entry and entry.get("delay"):
                reply = Reply(reply.status, reply.body, reply.headers, entry["delay"])
            self._counts[token] += 1
            attempt = Attempt(token, reply.status, time.time(), bearer or None)
            self._attempt_log.append(attempt)
        return reply

    def _decide(
        self, body: Any, token: str | None, bearer_ok: bool
    ) -> tuple[Reply | None, dict[str, Any] | None]:
        """The error to answer (None: deliver) and the script entry it consumed."""
        if self._down:
            return fcm_error("UNAVAILABLE"), None
        if not bearer_ok:
            message = "Request is missing required authentication credential."
            return fcm_error(None, 401, message), None
        problem = validate_message(body)
        if problem:
            return fcm_error("INVALID_ARGUMENT", 400, problem), None
        if token in self._unregistered:
            return fcm_error("UNREGISTERED"), None
        # Only a request FCM would accept consumes a scripted answer.
        script = self._scripts.get(token) if token else None
        entry = script.popleft() if script else self._repeat_last.get(token or "")
        return (scripted_reply(entry) if entry else None), entry

    def answer_token(self, raw: bytes) -> Reply:
        """Answer the OAuth2 JWT-bearer exchange google-auth's service account does."""
        form = urllib.parse.parse_qs(raw.decode("utf-8", "replace"))
        grant = form.get("grant_type", [""])[0]
        claims = _jwt_claims(form.get("assertion", [""])[0])
        with self._lock:
            if self._token_exchange_failing or grant != _JWT_BEARER or claims is None:
                body = {"error": "invalid_grant", "error_description": "Bad assertion."}
                return Reply(400, body)
            token = "emu-" + secrets.token_urlsafe(16)
            self.token_exchanges.append(claims)
            self.issued_tokens.append(token)
        return Reply(
            200, {"access_token": token, "expires_in": 3600, "token_type": "Bearer"}
        )
