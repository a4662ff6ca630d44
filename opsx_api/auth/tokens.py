"""Access tokens (JWT, HS256, key rotation by `kid`) and opaque refresh tokens.

A token's signature and fixed claims are verified once per token string and
kept in a small LRU per app (`VerifiedTokens`): a phone sends the same access
token for 15 minutes. Expiry is checked on every use, and whether the session
is still alive is never cached: identity.py reads the session row on every
request, so a revoked session is refused on the very next one.
"""

import base64
import hashlib
import json
import secrets
import threading
import uuid
from collections import OrderedDict
from datetime import datetime, timedelta
from typing import Any

import jwt
from flask import current_app

from opsx_api.clock import utcnow
from opsx_api.errors import Unauthorized

ALGORITHMS = ["HS256"]
TOKEN_TYPE = "at+jwt"
VERIFIED_TOKENS_KEPT = 4096


class VerifiedTokens:
    """Claims of tokens whose signature was verified, by token string (an LRU).

    Only valid tokens enter, so guessing fills nothing; the key is the whole
    token, signature included, so no other string can hit an entry.
    """

    def __init__(self, size: int = VERIFIED_TOKENS_KEPT):
        self.size = size
        self._claims: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, token: str) -> dict[str, Any] | None:
        with self._lock:
            claims = self._claims.get(token)
            if claims is not None:
                self._claims.move_to_end(token)
            return claims

    def put(self, token: str, claims: dict[str, Any]) -> None:
        with self._lock:
            self._claims[token] = claims
            if len(self._claims) > self.size:
                self._claims.popitem(last=False)


def _verified_tokens() -> VerifiedTokens:
    extensions = current_app.extensions
    cache: VerifiedTokens | None = extensions.get("opsx_verified_tokens")
    if cache is None:
        cache = extensions.setdefault("opsx_verified_tokens", VerifiedTokens())
    return cache


def issue_access_token(
    *,
    subject: uuid.UUID,
    session_id: uuid.UUID,
    client_id: uuid.UUID | None,
    role: str,
    extra: dict[str, Any] | None = None,
    expires_at: datetime | None = None,
) -> tuple[str, int]:
    """A signed access token and its lifetime in seconds."""
    config = current_app.config
    now = utcnow()
    ttl = timedelta(seconds=config["ACCESS_TOKEN_TTL"])
    expiry = min(now + ttl, expires_at) if expires_at else now + ttl
    claims = {
        "sub": str(subject),
        "sid": str(session_id),
        "cid": str(client_id) if client_id else None,
        "role": role,
        "iat": int(now.timestamp()),
        "exp": int(expiry.timestamp()),
        "iss": config["JWT_ISSUER"],
        "aud": config["JWT_AUDIENCE"],
        "jti": secrets.token_hex(8),
        **(extra or {}),
    }
    kid, secret = next(iter(config["JWT_KEYRING"].items()))
    headers = {"kid": kid, "typ": TOKEN_TYPE}
    token = jwt.encode(claims, secret, algorithm=ALGORITHMS[0], headers=headers)
    return token, max(0, int((expiry - now).total_seconds()))


def decode_access_token(token: str) -> dict[str, Any]:
    """Verified claims, or Unauthorized. Only allow-listed algorithms are accepted.

    The signature is verified on a token's first use (then remembered); the
    expiry on every use.
    """
    cache = _verified_tokens()
    claims = cache.get(token)
    if claims is None:
        claims = _verify(token)
        cache.put(token, claims)
    if not isinstance(claims["exp"], int) or claims["exp"] <= utcnow().timestamp():
        raise Unauthorized("The access token has expired.")
    return dict(claims)


def _verify(token: str) -> dict[str, Any]:
    """Signature, key, type, audience, issuer and required claims (not expiry)."""
    config = current_app.config
    header = _unverified_header(token)
    kid = header.get("kid")
    secret = config["JWT_KEYRING"].get(kid) if isinstance(kid, str) else None
    if secret is None or header.get("typ") != TOKEN_TYPE:
        raise Unauthorized("Unknown token key or type.")
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=ALGORITHMS,
            audience=config["JWT_AUDIENCE"],
            issuer=config["JWT_ISSUER"],
            # Expiry: by decode_access_token, every use, on the project clock.
            options={
                "require": ["exp", "iat", "sub", "sid", "iss", "aud", "role"],
                "verify_exp": False,
                "verify_iat": False,
            },
        )
    except jwt.PyJWTError:
        raise Unauthorized("Invalid access token.") from None
    return claims


def _unverified_header(token: str) -> dict[str, Any]:
    """The JOSE header, parsed cheaply; PyJWT verifies everything again below."""
    try:
        segment = token.split(".", 1)[0]
        header = json.loads(
            base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
        )
    except (ValueError, UnicodeDecodeError):
        raise Unauthorized("Malformed access token.") from None
    if not isinstance(header, dict):
        raise Unauthorized("Malformed access token.")
    return header


def new_refresh_token() -> tuple[str, str]:
    """A fresh opaque refresh token (256 bits) and the hash that is stored."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    """SHA-256 of a high-entropy token: enough, as it cannot be guessed."""
    return hashlib.sha256(token.encode()).hexdigest()
