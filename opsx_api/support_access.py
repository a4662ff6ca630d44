"""The company's audit trail of support sessions: every request, one event each.

`init_app` registers the support-token loader and an `after_request` hook that
writes a `support.request` event (staff member, grant, method, path, status, time,
IP) for every request made with a support token — refusals and errors included —
in its own short transaction after the request's own commit.
"""

import logging

from flask import Flask, g, request

from opsx_api import db
from opsx_api.auth import support as support_auth
from opsx_api.auth.identity import bearer_token
from opsx_api.auth.tokens import decode_access_token
from opsx_api.errors import ApiError, ServiceUnavailable, envelope
from opsx_api.services import support

log = logging.getLogger("opsx.support")


def init_app(app: Flask) -> None:
    """Audit every request made under a support session."""

    @app.after_request
    def _audit_support_request(response):
        identity = _support_identity()
        if identity is None:
            return response
        # The request's own unit of work has ended: anything still pending
        # belongs to a failed request and must not ride along with the event.
        db.session().rollback()
        try:
            with db.unit_of_work():
                support.record_request(
                    identity,
                    method=request.method,
                    path=request.path,
                    status=response.status_code,
                )
        except Exception:
            log.exception("support request not audited; answer withheld")
            # Support access that cannot be audited is not served (fail closed).
            return envelope(503, ServiceUnavailable.code, ServiceUnavailable.message)
        return response


def _support_identity():
    """The support identity of this request, also on routes that did not log in.

    A support token sent to a public or unknown route is still a request made
    under the support session, so it is resolved here (reading only) to audit it.
    """
    identity = g.get("identity")
    if identity is not None:
        return identity if identity.is_support else None
    if "Authorization" not in request.headers:
        return None
    try:
        claims = decode_access_token(bearer_token())
        if claims.get("kind") != support_auth.TOKEN_KIND:
            return None
        return support_auth.resolve_support_identity(claims)
    except ApiError:
        return None
