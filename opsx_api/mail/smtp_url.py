"""`OPSX_SMTP_URL`: where and how the worker hands emails over.

    smtp://[user:password@]host[:port]                 plain (port 25)
    smtp://[user:password@]host[:port]?starttls=true   STARTTLS (port 587)
    smtps://[user:password@]host[:port]                TLS from the start (port 465)

User and password are percent-decoded (`%40` for `@`). `cafile=/path` trusts a
private CA in addition to the system's (an internal relay). Certificates are
always verified.
"""

from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qs, unquote, urlsplit

Security = Literal["none", "starttls", "tls"]
_DEFAULT_PORTS = {"none": 25, "starttls": 587, "tls": 465}
_TRUE, _FALSE = {"true", "1", "yes", "on"}, {"false", "0", "no", "off"}


@dataclass(frozen=True)
class SmtpUrl:
    host: str
    port: int
    security: Security
    username: str | None = None
    password: str | None = None
    cafile: str | None = None

    def redacted(self) -> str:
        """The URL without its password, for logs and errors."""
        scheme = "smtps" if self.security == "tls" else "smtp"
        user = f"{self.username}:***@" if self.username else ""
        query = "?starttls=true" if self.security == "starttls" else ""
        return f"{scheme}://{user}{self.host}:{self.port}{query}"


def parse_smtp_url(raw: str) -> SmtpUrl:
    """The parsed URL; ValueError with the reason when it is not one."""
    try:
        parts = urlsplit(raw.strip())
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"not a valid URL ({exc})") from None
    if parts.scheme not in ("smtp", "smtps"):
        raise ValueError("must start with smtp:// or smtps://")
    if not parts.hostname:
        raise ValueError("names no host")
    options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    unknown = set(options) - {"starttls", "cafile"}
    if unknown:
        raise ValueError(f"unknown option(s): {', '.join(sorted(unknown))}")
    security: Security = "tls" if parts.scheme == "smtps" else "none"
    starttls = options.get("starttls", "false").lower()
    if starttls not in _TRUE | _FALSE:
        raise ValueError("starttls must be true or false")
    if starttls in _TRUE:
        if security == "tls":
            raise ValueError("smtps:// is already TLS; starttls=true is for smtp://")
        security = "starttls"
    if parts.password is not None and not parts.username:
        raise ValueError("has a password but no user")
    return SmtpUrl(
        host=parts.hostname,
        port=port or _DEFAULT_PORTS[security],
        security=security,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
        cafile=options.get("cafile") or None,
    )
