"""The small pages emailed links open, under OPSX_PUBLIC_URL: `/links/<purpose>`.

A GET only shows what the link will do (a mail scanner fetching it changes
nothing); the page's form POSTs the token back, and only that POST acts, through
the same service as the JSON endpoint. No JavaScript, no inline script, a strict
Content-Security-Policy, and no cookies at all: the one-time token in the form
is the only authority, so a forged cross-site POST needs the very token it
would abuse, and CSRF has nothing to ride on (README, Email).

Features register a `LinkPage` per purpose in `PAGES` (`pages/accounts.py`).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Flask, abort, render_template, request
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from models import User
from opsx_api import db
from opsx_api.errors import ApiError, InvalidLinkToken
from opsx_api.services import links

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # the URL holds the token
    "Cache-Control": "no-store",
}


@dataclass(frozen=True)
class LinkPage:
    """What a link of one purpose shows, and the service its form calls.

    `act(token, form)` spends the token through the feature's service (the one
    its JSON endpoint calls) and raises `ApiError` or `ValidationError`; what it
    returns is handed to `done_template`.

    `genuine(token)`: for signed links (`services/signed_links.py`), whether
    the GET should show the form; without it, the token must be a live row of
    `link_tokens`. `one_click`: the POST may carry the token in the query
    string, as RFC 8058 mail clients send it (`List-Unsubscribe=One-Click`).
    """

    purpose: str
    title: str
    template: str
    done_template: str
    act: Callable[[str, MultiDict], Any]
    genuine: Callable[[str], bool] | None = None
    one_click: bool = False


PAGES: dict[str, LinkPage] = {}

bp = Blueprint("links", __name__, url_prefix="/links", static_folder="static")


def _page(slug: str) -> LinkPage:
    page = PAGES.get(slug.replace("-", "_"))
    if page is None:
        abort(404)
    return page


def _form(page: LinkPage, token: str, status: int, errors: Any = None):
    user = None
    if page.genuine is not None:
        if not page.genuine(token):
            return _invalid()
    else:
        link = links.peek(token, page.purpose)
        if link is None:
            return _invalid()
        user = db.session().get(User, link.user_id) if link.user_id else None
    body = render_template(
        page.template, page=page, token=token, user=user, errors=errors or {}
    )
    return body, status


def _invalid():
    return render_template("pages/invalid.html", message=InvalidLinkToken.message), 400


@bp.get("/<slug>")
def show(slug: str):
    """What the link will do, and a button; changes nothing."""
    page = _page(slug)
    return _form(page, request.args.get("token", ""), 200)


@bp.post("/<slug>")
def act(slug: str):
    """Act on the token posted by the page's own form, through the service."""
    page = _page(slug)
    token = request.form.get("token", "")
    if page.one_click and not token:
        token = request.args.get("token", "")
    try:
        with db.unit_of_work():
            result = page.act(token, request.form)
    except InvalidLinkToken:
        return _invalid()
    except ValidationError as exc:
        return _form(page, token, 422, exc.messages)
    except ApiError as exc:
        if exc.status == 422:
            return _form(page, token, 422, exc.details or {"_": [exc.message]})
        return _error(exc.status, exc.message)
    return render_template(page.done_template, page=page, result=result), 200


@bp.after_request
def _headers(response):
    response.headers.update(HEADERS)
    return response


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    return _error(exc.code or 500, exc.description or "")


def _error(status: int, message: str):
    body = render_template("pages/error.html", status=status, message=message)
    return body, status


def init_app(app: Flask) -> None:
    from opsx_api.pages import accounts, mailings  # noqa: F401  (register pages)

    app.register_blueprint(bp)
