"""Every emailed link's page: a GET (a mail scanner, a preview) changes nothing."""

from sqlalchemy import func, select

from models import AuditEvent, DeviceSession, Email, LinkToken, User
from opsx_api import db
from tests.accounts.helpers import (
    API,
    NEW_PASSWORD,
    delivered,
    invite,
    link_of,
    set_password,
)
from tests.links.test_pages import assert_strict_page


def snapshot(app) -> dict:
    """What an action on a link would change: accounts, links, sessions, outbox."""
    with app.app_context():
        s = db.session()
        return {
            "users": sorted(
                (str(u.id), u.status, u.email, u.pending_email, u.password_hash)
                + (u.credential_version, u.updated_at)
                for u in s.scalars(select(User))
            ),
            "links": sorted(
                (str(t.id), t.used_at, t.revoked_at)
                for t in s.scalars(select(LinkToken))
            ),
            "sessions": sorted(
                (str(r.id), r.revoked_at) for r in s.scalars(select(DeviceSession))
            ),
            "emails": sorted((str(e.id), e.status) for e in s.scalars(select(Email))),
            "audit": s.scalar(select(func.count()).select_from(AuditEvent)),
        }


def test_a_get_on_any_emailed_link_changes_nothing(
    client, app, factory, mailbox, send_mail
):
    company = factory.company()
    admin = company.admin_login
    invited = invite(client, admin).get_json()
    member = factory.make_user(company, name="Rita Reset")
    login = factory.login(member)
    client.post(f"{API}/auth/password-reset", json={"email": member.email})
    client.patch(f"{API}/me", json={"email": "rita@new.test"}, headers=login.headers)
    send_mail()
    [invitation] = mailbox.to(invited["email"])
    [reset] = [m for m in mailbox.to(member.email) if "Reset" in m["Subject"]]
    [confirmation] = delivered(mailbox, send_mail, "rita@new.test")
    pages = {
        "invitation": link_of(mailbox, invitation),
        "password-reset": link_of(mailbox, reset),
        "email-confirmation": link_of(mailbox, confirmation),
    }
    before = snapshot(app)

    for slug, (path, _) in pages.items():
        assert path.startswith(f"/links/{slug}?token=")
        for method in ("GET", "HEAD", "GET"):
            response = client.open(path, method=method)
            assert response.status_code == 200, (slug, method)
            if method == "GET":  # HEAD has the headers and no body
                assert_strict_page(response)

    assert snapshot(app) == before
    # ... and every link still does its work afterwards.
    assert set_password(client, pages["invitation"][1]).status_code == 204
    assert set_password(client, pages["password-reset"][1]).status_code == 204
    confirmed = client.post(
        f"{API}/auth/email-confirmation", json={"token": pages["email-confirmation"][1]}
    )
    assert confirmed.status_code == 200
    member.email = "rita@new.test"
    factory.login(member, password=NEW_PASSWORD)
