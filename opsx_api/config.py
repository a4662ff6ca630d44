"""Configuration from `OPSX_` environment variables, with safe development defaults.

Every setting is declared once in SETTINGS; `.env.example` and the README list the
same names. With no configuration the app runs on SQLite under `instance/` with
development secrets generated there and prints emails to the console;
`OPSX_ENV=production` refuses to start without real secrets, a database URL, FCM
credentials, an SMTP server, a From address and an https public URL.
"""

import json
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from opsx_api.mail.smtp_url import parse_smtp_url


class ConfigError(RuntimeError):
    """The configuration cannot run the app; the message says which variable."""


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    parse: Callable[[str], Any] = str
    help: str = ""


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


SETTINGS = [
    Setting("ENV", "development", help="development | production | test"),
    Setting("DATABASE_URL", None, help="SQLAlchemy URL; default SQLite in instance/"),
    Setting("SECRET_KEY", None, help="server secret (required in production)"),
    Setting("JWT_KEYS", None, help="kid=secret,...: the first signs, all verify"),
    Setting("JWT_ISSUER", "opsx", help="the access tokens' iss"),
    Setting("JWT_AUDIENCE", "opsx-app", help="the access tokens' aud"),
    Setting("ACCESS_TOKEN_TTL", 900, int, "access token lifetime, seconds"),
    Setting("REFRESH_GRACE_SECONDS", 10, int, "previous refresh token still valid"),
    Setting("SESSION_IDLE_DAYS", 30, int, "session dies after this long unused"),
    Setting("SESSION_MAX_DAYS", 90, int, "session dies this long after login"),
    Setting("FCM_PROJECT_ID", None, help="Firebase project id"),
    Setting("FCM_CREDENTIALS", None, help="service-account JSON path"),
    Setting("FCM_ENDPOINT", None, help="FCM origin; unset: emulator in development"),
    Setting("SMTP_URL", None, help="smtp(s)://user:pass@host:port; unset: console"),
    Setting("MAIL_FROM", None, help="From of every email (required in production)"),
    Setting(
        "PUBLIC_URL", None, help="base of every emailed link (https in production)"
    ),
    Setting("TRUSTED_PROXIES", 0, int, "proxies whose X-Forwarded-For is trusted"),
    Setting("COUNTRY_HEADER", None, help="header a trusted proxy sets to the country"),
    Setting("PASSWORD_MIN_LENGTH", 15, int, "minimum password length"),
    Setting("ARGON2_PROFILE", "owasp", help="owasp | strong | test (cheapest)"),
    Setting("MAX_BODY_BYTES", 1_048_576, int, "largest request body accepted"),
    Setting("LOGIN_MAX_FAILURES_ACCOUNT", 10, int, "failures per account per window"),
    Setting("LOGIN_MAX_FAILURES_IP", 30, int, "failures per IP per window"),
    Setting("LOGIN_WINDOW_SECONDS", 900, int, "failed-login counting window"),
    Setting("RESET_MAX_PER_ADDRESS", 3, int, "reset emails per address per window"),
    Setting("RESET_MAX_PER_IP", 20, int, "reset requests per IP per window (429)"),
    Setting("EMAIL_CHANGE_MAX_PER_USER", 5, int, "email changes per user per window"),
    Setting("ACCOUNT_EMAIL_WINDOW_SECONDS", 3600, int, "reset and email-change window"),
    Setting("RETENTION_DAYS", 365, int, "audit events and login IPs kept this long"),
    Setting("PUSH_TOKEN_STALE_DAYS", 270, int, "push tokens not refreshed are pruned"),
    Setting("FCM_TIMEOUT", 5.0, float, "seconds to wait for FCM per push"),
    Setting("WORKER_THREADS", 16, int, "concurrent FCM sends per worker process"),
    Setting("WORKER_BATCH", 64, int, "pushes a worker claims per transaction"),
    Setting("WORKER_POLL_SECONDS", 1.0, float, "idle worker looks for work this often"),
    Setting("PUSH_MAX_ATTEMPTS", 10, int, "sends of one push before it is failed"),
    Setting("PUSH_LEASE_SECONDS", 60, int, "a claimed push is due again after this"),
    Setting("PUSH_BACKOFF_BASE_SECONDS", 2.0, float, "first retry delay (doubles)"),
    Setting("PUSH_BACKOFF_MAX_SECONDS", 900.0, float, "longest retry delay"),
    Setting("PUSH_CONFIG_ERROR_BACKOFF_SECONDS", 600.0, float, "FCM setup fault wait"),
    Setting("PUSH_DELIVERY_RETENTION_DAYS", 30, int, "finished push deliveries kept"),
    Setting("SMTP_TIMEOUT", 10.0, float, "seconds per SMTP operation"),
    Setting("EMAIL_MAX_ATTEMPTS", 10, int, "4xx refusals of an email before failed"),
    Setting("EMAIL_LEASE_SECONDS", 120, int, "a claimed email is due again after this"),
    Setting("EMAIL_BACKOFF_BASE_SECONDS", 10.0, float, "first email retry delay"),
    Setting("EMAIL_BACKOFF_MAX_SECONDS", 1800.0, float, "longest email retry delay"),
    Setting("EMAIL_RETENTION_DAYS", 30, int, "finished emails kept (bodies blanked)"),
    Setting("LOG_REQUESTS", True, _bool, "one JSON log line per request"),
    Setting(
        "LOG_IP",
        "truncated",
        help="client IP in the request log: full | truncated | none",
    ),
    Setting("DELETION_GRACE_DAYS", 30, int, "self-deleted accounts are erased after"),
    Setting("NEWSLETTER_CONFIRM_DAYS", 7, int, "newsletter opt-in link lifetime"),
    Setting("REFERRAL_RETENTION_DAYS", 90, int, "unconverted referrals erased after"),
    Setting("REFERRAL_MAX_PER_USER", 10, int, "referrals per user per window (429)"),
    Setting("DB_POOL_SIZE", 10, int, "database connections kept per process"),
    Setting("DB_POOL_PRE_PING", False, _bool, "test each pooled connection first"),
    Setting("REQUEST_COUNT_FLUSH_SECONDS", 60, int, "write request counts this often"),
    Setting("REQUEST_COUNT_FLUSH_REQUESTS", 500, int, "...or after this many requests"),
    Setting("IDEMPOTENCY_TTL_HOURS", 24, int, "Idempotency-Key answers kept this long"),
    Setting("REQUIRE_IF_MATCH", False, _bool, "prospect writes without If-Match: 428"),
    Setting("IMPORT_MAX_ROWS", 10_000, int, "largest prospect CSV import, in rows"),
    Setting("PROSPECT_SCRUB_DAYS", 30, int, "deleted prospects' data erased after"),
    Setting("FIELDS_MAX_KEYS", 50, int, "custom field keys per prospect"),
    Setting(
        "FIELDS_MAX_CLIENT_KEYS", 200, int, "distinct custom field keys per client"
    ),
    Setting("FIELDS_KEY_MAX_LENGTH", 64, int, "longest custom field key (max 255)"),
    Setting("FIELDS_VALUE_MAX_LENGTH", 1000, int, "longest custom field text value"),
    Setting("METRICS_TOKEN", None, help="Bearer token for /metrics; unset: off (404)"),
    Setting("WORKER_METRICS_PORT", 0, int, "flask worker's own /metrics port; 0: off"),
]

_INSTANCE = Path(__file__).resolve().parent.parent / "instance"


def normalise_database_url(url: str) -> str:
    """Send bare `postgres(ql)://` URLs to psycopg2, the driver the project ships."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg2://" + url[len(prefix) :]
    return url


def _development_secrets() -> dict[str, str]:
    """Secrets generated once and kept in instance/, so restarts keep sessions."""
    _INSTANCE.mkdir(exist_ok=True)
    path = _INSTANCE / "dev-secrets.json"
    if path.exists():
        return json.loads(path.read_text())
    values = {
        "SECRET_KEY": secrets.token_urlsafe(48),
        "JWT_KEYS": f"dev1={secrets.token_urlsafe(48)}",
    }
    path.write_text(json.dumps(values))
    path.chmod(0o600)
    return values


def parse_jwt_keys(raw: str) -> dict[str, str]:
    """`kid=secret,kid2=secret2` -> ordered {kid: secret}; the first key signs."""
    keys: dict[str, str] = {}
    for pair in filter(None, (p.strip() for p in raw.split(","))):
        kid, sep, secret = pair.partition("=")
        if not sep or not kid or len(secret) < 32:
            raise ConfigError(
                "OPSX_JWT_KEYS must be kid=secret pairs with secrets of 32+ chars"
            )
        keys[kid] = secret
    if not keys:
        raise ConfigError("OPSX_JWT_KEYS names no key")
    return keys


def load_config(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Read every setting from the environment; `overrides` win (tests use them)."""
    overrides = overrides or {}
    config: dict[str, Any] = {}
    for setting in SETTINGS:
        raw = os.environ.get(f"OPSX_{setting.name}")
        try:
            value = setting.parse(raw) if raw else setting.default
        except ValueError as exc:
            raise ConfigError(f"OPSX_{setting.name}: {exc}") from None
        config[setting.name] = overrides.get(setting.name, value)
    config.update({k: v for k, v in overrides.items() if k not in config})
    _fill_defaults(config)
    return config


def _fill_defaults(config: dict[str, Any]) -> None:
    production = config["ENV"] == "production"
    if production:
        missing = [
            f"OPSX_{name}"
            for name in ("SECRET_KEY", "DATABASE_URL", "JWT_KEYS", "FCM_CREDENTIALS")
            if not config[name]
        ]
        if missing:
            raise ConfigError("production needs " + ", ".join(missing))
        if len(config["SECRET_KEY"]) < 32:
            raise ConfigError("OPSX_SECRET_KEY must be at least 32 characters")
    elif not (config["SECRET_KEY"] and config["JWT_KEYS"]):
        generated = _development_secrets()
        config["SECRET_KEY"] = config["SECRET_KEY"] or generated["SECRET_KEY"]
        config["JWT_KEYS"] = config["JWT_KEYS"] or generated["JWT_KEYS"]
    if not config["DATABASE_URL"]:
        _INSTANCE.mkdir(exist_ok=True)
        config["DATABASE_URL"] = f"sqlite:///{_INSTANCE / 'opsx.db'}"
    config["DATABASE_URL"] = normalise_database_url(config["DATABASE_URL"])
    config["JWT_KEYRING"] = parse_jwt_keys(config["JWT_KEYS"])
    if not config["FCM_PROJECT_ID"]:
        if production:
            raise ConfigError("production needs OPSX_FCM_PROJECT_ID")
        config["FCM_PROJECT_ID"] = "opsx-dev"
    if not config["FCM_ENDPOINT"] and not production:
        config["FCM_ENDPOINT"] = "http://127.0.0.1:9099"
    if not 1 <= config["FIELDS_KEY_MAX_LENGTH"] <= 255:
        raise ConfigError("OPSX_FIELDS_KEY_MAX_LENGTH must be between 1 and 255")
    if config["LOG_IP"] not in ("full", "truncated", "none"):
        raise ConfigError("OPSX_LOG_IP must be full, truncated or none")
    if config["ARGON2_PROFILE"] not in ("owasp", "strong", "test"):
        raise ConfigError("OPSX_ARGON2_PROFILE must be owasp, strong or test")
    if production and config["ARGON2_PROFILE"] == "test":
        raise ConfigError("OPSX_ARGON2_PROFILE=test is not allowed in production")
    _mail_defaults(config, production)


def _mail_defaults(config: dict[str, Any], production: bool) -> None:
    """SMTP, From and public URL: checked always, required in production."""
    if production:
        missing = [
            f"OPSX_{name}"
            for name in ("SMTP_URL", "MAIL_FROM", "PUBLIC_URL")
            if not config[name]
        ]
        if missing:
            raise ConfigError(
                "production needs " + ", ".join(missing) + " (emails would be printed"
                " to the console instead of sent: see the README, Email)"
            )
    config["MAIL_FROM"] = config["MAIL_FROM"] or "OpsX <no-reply@opsx.localhost>"
    config["PUBLIC_URL"] = (config["PUBLIC_URL"] or "http://127.0.0.1:5000").rstrip("/")
    if "@" not in parseaddr(config["MAIL_FROM"])[1]:
        raise ConfigError(
            "OPSX_MAIL_FROM must be an address, e.g. OpsX <no-reply@x.com>"
        )
    public = urlsplit(config["PUBLIC_URL"])
    if public.scheme not in ("http", "https") or not public.netloc:
        raise ConfigError("OPSX_PUBLIC_URL must be an http(s) URL")
    if production and public.scheme != "https":
        raise ConfigError(
            "OPSX_PUBLIC_URL must be https in production (links hold tokens)"
        )
    config["SMTP"] = None  # None: the console sender (development and tests only)
    if config["SMTP_URL"]:
        try:
            config["SMTP"] = parse_smtp_url(config["SMTP_URL"])
        except ValueError as exc:
            raise ConfigError(f"OPSX_SMTP_URL {exc}") from None
        smtp = config["SMTP"]
        if production and smtp.password is not None and smtp.security == "none":
            raise ConfigError(
                "OPSX_SMTP_URL would send its password in clear:"
                " use smtps:// or ?starttls=true"
            )
