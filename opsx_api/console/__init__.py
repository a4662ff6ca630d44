"""The web console at `/console`: one static page and plain ES modules.

The page is one more client of the JSON API under `/api/v1` (README, Console):
nothing here reads or writes data. The access token lives in the page's memory
only, never in a cookie, so there is no CSRF surface; every console answer
carries a strict Content-Security-Policy (no inline script, no framing).
"""

from flask import Blueprint, Flask, Response, send_from_directory

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'none'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}

bp = Blueprint("console", __name__, url_prefix="/console", static_folder="static")


@bp.get("")
@bp.get("/")
def index() -> Response:
    """The console's one page; screens are drawn by `static/app.js`."""
    assert bp.static_folder is not None
    return send_from_directory(bp.static_folder, "index.html")


@bp.after_request
def secure(response: Response) -> Response:
    response.headers.update(HEADERS)
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
