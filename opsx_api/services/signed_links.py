"""Signed links: the newsletter's and the referral's, which store nothing.

A newsletter's unsubscribe link must keep working in every issue ever sent,
and clicking it twice must be harmless, so it is not a single-use row of
`link_tokens` but an HMAC-SHA256 signature (itsdangerous, keyed by
OPSX_SECRET_KEY and salted per purpose) over the id of the subscription or
referral it acts on. A forged or altered token fails the signature: 400
`invalid_token`. A signed token outlives nothing it points at: once the row is
gone, acting on it again changes nothing. Rotating OPSX_SECRET_KEY kills every
outstanding link of these kinds.
"""

import hashlib
import uuid

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer

from opsx_api.errors import InvalidLinkToken
from opsx_api.services.links import link_path

PURPOSES = ("newsletter_confirmation", "newsletter_unsubscribe", "referral_removal")
_MAX_TOKEN_CHARS = 256


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    if purpose not in PURPOSES:
        raise KeyError(purpose)
    return URLSafeTimedSerializer(
        current_app.config["SECRET_KEY"],
        salt=f"opsx.{purpose}",
        signer_kwargs={"digest_method": hashlib.sha256},
    )


def sign(purpose: str, row_id: uuid.UUID) -> str:
    """A token for `purpose` that names the row `row_id`."""
    token = _serializer(purpose).dumps(row_id.hex)
    return token if isinstance(token, str) else token.decode()


def url(purpose: str, row_id: uuid.UUID) -> str:
    """The emailed link: the page of `purpose` with a signed token."""
    base = current_app.config["PUBLIC_URL"]
    return f"{base}{link_path(purpose)}?token={sign(purpose, row_id)}"


def verify(raw: str, purpose: str, *, max_age_seconds: int | None = None) -> uuid.UUID:
    """The row id a genuine token of `purpose` names; else 400 `invalid_token`."""
    if not raw or len(raw) > _MAX_TOKEN_CHARS:
        raise InvalidLinkToken()
    try:
        value = _serializer(purpose).loads(raw, max_age=max_age_seconds)
        return uuid.UUID(hex=value)
    except (BadData, TypeError, ValueError):
        raise InvalidLinkToken() from None


def is_genuine(raw: str, purpose: str, *, max_age_seconds: int | None = None) -> bool:
    """Whether `raw` is a genuine token of `purpose` (for the link pages' GET)."""
    try:
        verify(raw, purpose, max_age_seconds=max_age_seconds)
    except InvalidLinkToken:
        return False
    return True
