"""Liveness and readiness for the load balancer."""

from flask_restx import Namespace
from marshmallow import Schema, fields

from opsx_api import db
from opsx_api.api.base import PublicResource, dump_with
from opsx_api.errors import ServiceUnavailable

ns = Namespace("health", description="Liveness and readiness probes", path="/")


class StatusSchema(Schema):
    status = fields.String(required=True)


status_schema = StatusSchema()


@ns.route("/health")
@ns.doc(security=[])
class HealthResource(PublicResource):
    @dump_with(status_schema)
    def get(self):
        """The process is up."""
        return {"status": "ok"}


@ns.route("/ready")
@ns.doc(security=[])
class ReadyResource(PublicResource):
    @ns.response(503, "service_unavailable", "Error")
    @dump_with(status_schema)
    def get(self):
        """The database answers (503 `service_unavailable` otherwise)."""
        if not db.ping():
            raise ServiceUnavailable("The database is not reachable.")
        return {"status": "ready"}
