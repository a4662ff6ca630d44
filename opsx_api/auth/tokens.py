"""Access tokens (JWT, HS256, key rotation by `kid`) and opaque refresh tokens."""

import base64
import hashlib
import json
import secrets
import uuid
from datetime import datetime, timedelta
from typing import Any

import jwt
from flask import current_app

from opsx_api.clock import utcnow
from opsx_api.errors import Unauthorized

ALGORITHMS = ["HS256"]
TOKEN_TYPE = "at+jwt"


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
    """Verified claims, or Unauthorized. Only allow-listed algorithms are accepted."""
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
            # Expiry is checked below against the project's clock, not PyJWT's.
            options={
                "require": ["exp", "iat", "sub", "sid", "iss", "aud", "role"],
                "verify_exp": False,
                "verify_iat": False,
            },
        )
    except jwt.PyJWTError:
        raise Unauthorized("Invalid access token.") from None
    if not isinstance(claims["exp"], int) or claims["exp"] <= utcnow().timestamp():
        raise Unauthorized("The access token has expired.")
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
