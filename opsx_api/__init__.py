"""The OpsX API application factory."""

from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from opsx_api.config import load_config


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the app. Nothing connects to the database, FCM or SMTP here."""
    from opsx_api import (
        api,
        cli,
        db,
        errors,
        pages,
        request_body,
        request_counts,
        request_log,
        response_headers,
        support_access,
    )

    app = Flask(__name__, instance_relative_config=False)
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
    request_body.init_app(app)
    response_headers.init_app(app)
    db.init_app(app)
    request_counts.init_app(app)
    support_access.init_app(app)
    errors.init_app(app)
    api.init_app(app)
    pages.init_app(app)
    cli.init_app(app)
    return app
