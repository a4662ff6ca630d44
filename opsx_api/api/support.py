"""Support staff: live grants, support sessions and per-client statistics."""

from flask_restx import Namespace

from opsx_api.api.base import BaseResource, dump_page, dump_with, use_args, use_schema
from opsx_api.auth.identity import current_identity, current_user
from opsx_api.pagination import PageArgsSchema
from opsx_api.request_info import client_ip
from opsx_api.schemas.support import (
    ClientStatsSchema,
    LiveSupportGrantSchema,
    SupportSessionOpenSchema,
    SupportSessionTokenSchema,
)
from opsx_api.services import stats, support

ns = Namespace("support", description="Support staff (role support)")


class SupportStaffResource(BaseResource):
    """Support staff logged in as themselves (not through a support session)."""

    roles = ("support",)


@ns.route("/grants")
class LiveGrantListResource(SupportStaffResource):
    @use_args(PageArgsSchema())
    @dump_page(LiveSupportGrantSchema())
    def get(self, args):
        """Live support grants of every client, newest first."""
        return support.live_grants(args)


@ns.route("/sessions")
class SupportSessionListResource(SupportStaffResource):
    @ns.response(404, "No live grant with this id", "Error")
    @use_schema(SupportSessionOpenSchema())
    @dump_with(SupportSessionTokenSchema(), 201)
    def post(self, data):
        """Open a support session on a live grant; the company's admins are told.

        The access token acts as the client's admin (read-only under a `read`
        grant), has no refresh token, and stops with the grant.
        """
        identity = current_identity()
        return support.open_session(
            data["grant_id"],
            staff=current_user(),
            credential_version=identity.session.credential_version,
            ip=client_ip(),
        )


@ns.route("/stats")
class ClientStatsResource(SupportStaffResource):
    @use_args(PageArgsSchema())
    @dump_page(ClientStatsSchema())
    def get(self, args):
        """Per-client counts: active users, devices, prospects, bytes, requests."""
        return stats.client_stats_page(args)
