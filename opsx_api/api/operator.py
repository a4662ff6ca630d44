"""Operators create client companies with their first admin."""

from flask_restx import Namespace

from opsx_api.api.base import BaseResource, dump_page, dump_with, use_args, use_schema
from opsx_api.auth.identity import current_identity
from opsx_api.pagination import PageArgsSchema
from opsx_api.schemas.clients import ClientCreateSchema, ClientSchema
from opsx_api.services import clients

ns = Namespace("operator", description="Client companies (operators)")


class OperatorResource(BaseResource):
    """Operators only; support sessions never."""

    roles = ("operator",)


@ns.route("/clients")
class ClientListResource(OperatorResource):
    @use_args(PageArgsSchema())
    @dump_page(ClientSchema())
    def get(self, args):
        """Every client company, newest first."""
        return clients.list_clients(args)

    @ns.response(409, "email_taken", "Error")
    @use_schema(ClientCreateSchema())
    @dump_with(ClientSchema(), 201)
    def post(self, data):
        """Create a client company and its first admin."""
        return clients.create_client(actor=current_identity(), **data)
