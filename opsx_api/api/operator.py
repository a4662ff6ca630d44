"""Operators: client companies with their first admin, the newsletter and
announcements to every user."""

from flask_restx import Namespace

from opsx_api.api.base import BaseResource, dump_page, dump_with, use_args, use_schema
from opsx_api.auth.identity import current_identity
from opsx_api.pagination import PageArgsSchema
from opsx_api.schemas.clients import ClientCreateSchema, ClientSchema
from opsx_api.schemas.mailings import MailingQueuedSchema, MailingSchema
from opsx_api.services import announcements, clients, newsletter

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

    @ns.response(409, "email_taken, or client_name_taken (names ignore case)", "Error")
    @use_schema(ClientCreateSchema())
    @dump_with(ClientSchema(), 201)
    def post(self, data):
        """Create a client company and its first admin."""
        return clients.create_client(actor=current_identity(), **data)


@ns.route("/newsletters")
class NewsletterIssueResource(OperatorResource):
    @use_schema(MailingSchema())
    @dump_with(MailingQueuedSchema(), 202)
    def post(self, data):
        """Send a newsletter issue to every confirmed subscriber (outbox).

        Each email carries its own one-click unsubscribe link and the RFC 8058
        `List-Unsubscribe` headers.
        """
        queued = newsletter.send_issue(
            data["subject"], data["body"], actor=current_identity()
        )
        return {"queued": queued}


@ns.route("/announcements")
class AnnouncementResource(OperatorResource):
    @use_schema(MailingSchema())
    @dump_with(MailingQueuedSchema(), 202)
    def post(self, data):
        """Email every active user a notice, such as a privacy policy change."""
        queued = announcements.announce(
            data["subject"], data["body"], actor=current_identity()
        )
        return {"queued": queued}
