"""Facts about the current request: the client's IP and country."""

from flask import current_app, request


def client_ip() -> str | None:
    """The peer address; ProxyFix rewrote it when trusted proxies are configured."""
    return request.remote_addr


def client_country() -> str | None:
    """An ISO country code set by a trusted proxy (e.g. a CDN), when configured."""
    header = current_app.config["COUNTRY_HEADER"]
    if not header or not current_app.config["TRUSTED_PROXIES"]:
        return None
    value = (request.headers.get(header) or "").strip().upper()
    return value if len(value) == 2 and value.isalpha() else None
