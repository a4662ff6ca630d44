"""The one Api and its registry: one namespace per line."""

from typing import Any

from flask import Blueprint, Flask, jsonify
from flask_restx import Api, Model
from flask_restx import fields as rx

from opsx_api.api import openapi3, spec
from opsx_api.api.access_doc import describe_access
from opsx_api.api.docs import MODELS, nullable
from opsx_api.errors import handle_exception


class OpsxApi(Api):
    """flask-restx Api whose errors use the project's one envelope."""

    def handle_error(self, e):
        return handle_exception(e)

    _schema: dict[str, Any] | None
    _openapi3: dict[str, Any] | None = None

    @property
    def __schema__(self) -> dict[str, Any]:
        """The generated spec, completed once with access and the shared errors."""
        if not self._schema:
            generated = super().__schema__
            describe_access(self, generated)
            self._schema = spec.complete(generated)
        return self._schema

    @property
    def openapi3(self) -> dict[str, Any]:
        """The same spec as an OpenAPI 3.1 document (`/api/v1/openapi.json`)."""
        if not self._openapi3:
            self._openapi3 = openapi3.convert(self.__schema__)
        return self._openapi3


ERROR_MODEL = Model(
    "Error",
    {
        "error": rx.Nested(
            Model(
                "ErrorBody",
                {
                    "code": rx.String(required=True, example="validation_error"),
                    "message": rx.String(required=True),
                    "details": nullable(
                        rx.Raw(
                            required=True,
                            description="per-field messages, or context; null if none",
                        )
                    ),
                },
            ),
            required=True,
        )
    },
)


def init_app(app: Flask) -> None:
    from opsx_api.api.access import ns as access_ns
    from opsx_api.api.admin_client import ns as admin_client_ns
    from opsx_api.api.admin_users import ns as admin_users_ns
    from opsx_api.api.audit import ns as audit_ns
    from opsx_api.api.auth import ns as auth_ns
    from opsx_api.api.health import ns as health_ns
    from opsx_api.api.inbox import ns as inbox_ns
    from opsx_api.api.me import ns as me_ns
    from opsx_api.api.me_mailings import ns as me_mailings_ns
    from opsx_api.api.newsletter import ns as newsletter_ns
    from opsx_api.api.notifications import ns as notifications_ns
    from opsx_api.api.operator import ns as operator_ns
    from opsx_api.api.privacy import ns as privacy_ns
    from opsx_api.api.prospects import ns as prospects_ns
    from opsx_api.api.referrals import ns as referrals_ns
    from opsx_api.api.sessions import ns as sessions_ns
    from opsx_api.api.support import ns as support_ns
    from opsx_api.api.support_grants import ns as support_grants_ns

    blueprint = Blueprint("api", __name__, url_prefix="/api/v1")
    api = OpsxApi(
        blueprint,
        version="1.0",
        title="OpsX API",
        description="The backend of the OpsX field-operations app.",
        doc="/docs",
        authorizations={
            "Bearer": {"type": "apiKey", "in": "header", "name": "Authorization"}
        },
        security="Bearer",
    )
    api.add_namespace(health_ns)
    api.add_namespace(auth_ns, path="/auth")
    api.add_namespace(access_ns, path="/access")
    api.add_namespace(me_ns, path="/me")
    api.add_namespace(inbox_ns, path="/me/notifications")
    api.add_namespace(privacy_ns, path="/me")
    api.add_namespace(me_mailings_ns, path="/me")
    api.add_namespace(newsletter_ns, path="/newsletter")
    api.add_namespace(referrals_ns, path="/referrals")
    api.add_namespace(admin_client_ns, path="/admin/client")
    api.add_namespace(admin_users_ns, path="/admin/users")
    api.add_namespace(sessions_ns, path="/admin/sessions")
    api.add_namespace(audit_ns, path="/admin/audit-events")
    api.add_namespace(support_grants_ns, path="/admin/support-grants")
    api.add_namespace(support_ns, path="/support")
    api.add_namespace(notifications_ns, path="/admin/notifications")
    api.add_namespace(operator_ns, path="/operator")
    api.add_namespace(prospects_ns, path="/prospects")
    api.models.update(MODELS)
    api.models["Error"] = ERROR_MODEL
    api.models["ErrorBody"] = ERROR_MODEL["error"].model
    blueprint.add_url_rule(
        "/openapi.json", "openapi", lambda: jsonify(api.openapi3), methods=["GET"]
    )
    app.register_blueprint(blueprint)
    app.extensions["opsx_api"] = api
