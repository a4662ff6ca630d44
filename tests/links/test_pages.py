"""The page a link opens: a GET shows and changes nothing; only its POST acts."""

import re
from urllib.parse import urlsplit

import pytest

from models import User
from opsx_api import db, pages
from opsx_api.errors import ValidationFailed
from opsx_api.services import links

DIRECTIVES = {
    "default-src 'none'",
    "style-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
}


@pytest.fixture
def link_page(monkeypatch):
    """A page for `email_confirmation` whose action spends the token (and says so).

    The features register theirs the same way; this one tests the mechanism.
    """
    acted = []

    def act(token, form):
        if form.get("refuse"):
            raise ValidationFailed(details={"refuse": ["Refused, as asked."]})
        spent = links.redeem(token, "email_confirmation")
        acted.append(spent.user_id)
        return spent

    page = pages.LinkPage(
        purpose="email_confirmation",
        title="Confirm your email address",
        template="pages/confirm.html",
        done_template="pages/done.html",
        act=act,
    )
    monkeypatch.setitem(pages.PAGES, "email_confirmation", page)
    return acted


@pytest.fixture
def issued(factory, app):
    user = factory.make_user(factory.make_client(), name="Grace Hopper")
    with app.app_context():
        link = links.issue(db.session().get(User, user.id), "email_confirmation")
        db.session().commit()
    return link


def path_of(link) -> str:
    """The link as the test client opens it: path and query, no origin."""
    parts = urlsplit(link.url)
    return f"{parts.path}?{parts.query}"


def assert_strict_page(response) -> None:
    assert response.mimetype == "text/html"
    csp = {d.strip() for d in response.headers["Content-Security-Policy"].split(";")}
    assert csp >= DIRECTIVES
    assert not any("unsafe" in d or "script-src" in d for d in csp)
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "Set-Cookie" not in response.headers
    html = response.get_data(as_text=True)
    assert "<script" not in html and " style=" not in html and "<style" not in html
    assert 'name="viewport"' in html


def test_a_get_shows_the_page_and_changes_nothing(client, app, link_page, issued):
    for _ in range(3):  # a mail scanner, a preview, the person
        response = client.get(path_of(issued))
        assert response.status_code == 200
        assert_strict_page(response)

    html = response.get_data(as_text=True)
    assert "Hello Grace Hopper." in html
    assert re.search(r'<form method="post" action="/links/email-confirmation">', html)
    assert f'name="token" value="{issued.token}"' in html
    assert link_page == []
    with app.app_context():
        assert links.peek(issued.token, "email_confirmation") is not None


def test_the_pages_post_acts_once(client, link_page, issued):
    form = {"token": issued.token}

    first = client.post("/links/email-confirmation", data=form)
    second = client.post("/links/email-confirmation", data=form)

    assert first.status_code == 200 and "Done" in first.get_data(as_text=True)
    assert_strict_page(first)
    assert second.status_code == 400
    assert "does not work" in second.get_data(as_text=True)
    assert len(link_page) == 1


def test_a_refused_form_comes_back_with_the_reason_and_the_link_still_works(
    client, app, link_page, issued
):
    response = client.post(
        "/links/email-confirmation", data={"token": issued.token, "refuse": "1"}
    )

    assert response.status_code == 422
    assert_strict_page(response)
    assert "Refused, as asked." in response.get_data(as_text=True)
    with app.app_context():
        assert links.peek(issued.token, "email_confirmation") is not None


@pytest.mark.parametrize("token", ["", "forged-token", "A" * 43])
def test_forged_links_show_a_page_that_says_so(client, link_page, issued, token):
    shown = client.get(f"/links/email-confirmation?token={token}")
    posted = client.post("/links/email-confirmation", data={"token": token})

    for response in (shown, posted):
        assert response.status_code == 400
        assert_strict_page(response)
        assert "does not work" in response.get_data(as_text=True)
    assert link_page == []


def test_a_link_of_another_purpose_opens_nothing(client, link_page, factory, app):
    user = factory.make_user(factory.make_client())
    with app.app_context():
        reset = links.issue(db.session().get(User, user.id), "password_reset")
        db.session().commit()

    response = client.post("/links/email-confirmation", data={"token": reset.token})

    assert response.status_code == 400
    assert link_page == []


def test_unknown_pages_are_404_pages_and_the_stylesheet_is_served(client):
    missing = client.get("/links/no-such-link?token=x")
    assert missing.status_code == 404
    assert_strict_page(missing)
    style = client.get("/links/static/links.css")
    assert style.status_code == 200 and style.mimetype == "text/css"
