"""The OpsX API application factory."""

from typing import Any

from flask import Flask
from flask.sessions import SessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

from opsx_api.config import load_config


class NoCookieSession(SessionInterface):
    """No Flask cookie session: the API authenticates with bearer tokens.

    Flask's default builds a signing serializer on every request (~0.1 ms) to
    open a cookie session nothing reads. Writing to `flask.session` fails.
    """

    def open_session(self, app, request):
        return self.make_null_session(app)

    def save_session(self, app, session, response):
        return None


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the app. Nothing connects to the database, FCM or SMTP here."""
    from opsx_api import (
        api,
        cli,
        console,
        db,
        errors,
        metrics,
        pages,
        request_body,
        request_counts,
        request_log,
        response_headers,
        support_access,
    )

    app = Flask(__name__, instance_relative_config=False)
    app.session_interface = NoCookieSession()
    app.config.update(load_config(overrides))
    app.config.update(
        MAX_CONTENT_LENGTH=app.config["MAX_BODY_BYTES"],
        RESTX_ERROR_404_HELP=False,
        RESTX_MASK_SWAGGER=False,
        JSON_SORT_KEYS=False,
    )
    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]  # Flask's way
            app.wsgi_app, x_for=hops, x_proto=hops
        )
    request_log.init_app(app)
    metrics.init_app(app)
    request_body.init_app(app)
    response_headers.init_app(app)
    db.init_app(app)
    request_counts.init_app(app)
    support_access.init_app(app)
    errors.init_app(app)
    api.init_app(app)
    pages.init_app(app)
    console.init_app(app)
    cli.init_app(app)
    return app
