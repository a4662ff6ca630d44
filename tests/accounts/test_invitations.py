"""Invitations: a user created without a password chooses one from an emailed link."""

import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from models import Email, User
from opsx_api import db
from tests.accounts.helpers import (
    API,
    NEW_PASSWORD,
    deactivate,
    delivered,
    invite,
    link_of,
    live_links,
    set_password,
    user_row,
)
from tests.factories import PASSWORD, assert_error


@pytest.fixture
def company(factory):
    """A client company and its logged-in first admin."""
    client_row = factory.make_client(name="Acme Field")
    return client_row, factory.login(factory.admin_of(client_row))


def invited(client, admin, mailbox, send_mail, **extra):
    """An invited user (as the API answered), their link's path and token."""
    user = invite(client, admin, **extra).get_json()
    [message] = delivered(mailbox, send_mail, user["email"])
    path, token = link_of(mailbox, message)
    return user, path, token


def login_as(client, email, password=NEW_PASSWORD):
    device = {"id": f"phone-{uuid.uuid4().hex[:6]}", "platform": "android"}
    return client.post(
        f"{API}/auth/login",
        json={"email": email, "password": password, "device": device},
    )


def test_an_invited_user_cannot_log_in_sets_a_password_from_the_link_then_can(
    client, app, company, mailbox, send_mail
):
    _, admin = company
    created = invite(client, admin)
    assert created.status_code == 201, created.get_json()
    user = created.get_json()
    assert user["status"] == "invited"
    expires = datetime.fromisoformat(user["invitation_expires_at"])
    invited_at = datetime.fromisoformat(user["invited_at"])
    assert expires - invited_at == timedelta(hours=72)
    # Not yet: an invited account answers like any inactive one.
    for password in (PASSWORD, "", NEW_PASSWORD):
        refused = login_as(client, user["email"], password or "x")
        assert_error(refused, 401, "invalid_credentials")

    [message] = delivered(mailbox, send_mail, user["email"])
    assert message["Subject"] == "Acme Field invited you to OpsX"
    assert mailbox.text(message).startswith("Hello Ivy Invitee,")
    path, token = link_of(mailbox, message)
    assert path.startswith("/links/invitation?token=")

    assert set_password(client, token).status_code == 204
    assert login_as(client, user["email"]).status_code == 200
    assert user_row(app, user["id"]).status == "active"
    # The link works once, by API or by its page.
    assert_error(
        set_password(client, token, "another-long-passphrase"), 400, "invalid_token"
    )
    again = client.post(
        "/links/invitation",
        data={
            "token": token,
            "new_password": "another-long-passphrase",
            "new_password_again": "another-long-passphrase",
        },
    )
    assert again.status_code == 400
    assert login_as(client, user["email"], "another-long-passphrase").status_code == 401


def test_the_invitation_page_shows_without_acting_then_its_form_sets_the_password(
    client, app, company, mailbox, send_mail
):
    user, path, token = invited(client, company[1], mailbox, send_mail)

    for _ in range(3):  # a mail scanner, a link preview, the person
        shown = client.get(path)
        assert shown.status_code == 200
        html = shown.get_data(as_text=True)
        assert "Choose your password" in html and user["email"] in html
        assert 'autocomplete="new-password"' in html
    assert user_row(app, user["id"]).status == "invited"
    assert live_links(app, user["id"], "invitation") == 1

    form = {"token": token, "new_password": NEW_PASSWORD}
    differ = client.post(
        "/links/invitation", data={**form, "new_password_again": "something-else-1234"}
    )
    assert differ.status_code == 422
    assert "not the same" in differ.get_data(as_text=True)
    weak = client.post(
        "/links/invitation",
        data={"token": token, "new_password": "short", "new_password_again": "short"},
    )
    assert weak.status_code == 422
    done = client.post(
        "/links/invitation", data={**form, "new_password_again": NEW_PASSWORD}
    )
    assert done.status_code == 200
    assert "Your password is set" in done.get_data(as_text=True)
    assert login_as(client, user["email"]).status_code == 200


def test_a_weak_password_is_422_and_leaves_the_link_usable(
    client, app, company, mailbox, send_mail
):
    user, _, token = invited(client, company[1], mailbox, send_mail)

    for weak in ("short", "passwordpassword", "ivy invitee is my name"):
        response = set_password(client, token, weak)
        assert_error(response, 422, "validation_error")
        assert response.get_json()["error"]["details"]["new_password"]
    assert user_row(app, user["id"]).status == "invited"
    assert set_password(client, token).status_code == 204


def test_set_password_refuses_a_malformed_body(client):
    for body in ({}, {"token": "x"}, {"new_password": NEW_PASSWORD}, {"token": 5}):
        assert_error(
            client.post(f"{API}/auth/password", json=body), 422, "validation_error"
        )
    assert_error(set_password(client, "forged-token"), 400, "invalid_token")


def test_sending_the_invitation_again_kills_the_previous_link(
    client, app, company, mailbox, send_mail
):
    _, admin = company
    user = invite(client, admin).get_json()
    [first] = delivered(mailbox, send_mail, user["email"])

    again = client.post(
        f"{API}/admin/users/{user['id']}/invitation", headers=admin.headers
    )
    assert again.status_code == 202
    receipt = again.get_json()
    assert receipt["user_id"] == user["id"] and receipt["sent_to"] == user["email"]
    assert "token" not in str(receipt) and "link" not in receipt

    [_, second] = delivered(mailbox, send_mail, user["email"])
    _, old_token = link_of(mailbox, first)
    _, new_token = link_of(mailbox, second)
    assert_error(set_password(client, old_token), 400, "invalid_token")
    assert set_password(client, new_token).status_code == 204


def test_a_resent_invitation_cancels_the_one_still_queued(
    client, app, company, mailbox, send_mail
):
    _, admin = company
    user = invite(client, admin).get_json()
    client.post(f"{API}/admin/users/{user['id']}/invitation", headers=admin.headers)

    [only] = delivered(mailbox, send_mail, user["email"])  # one email, not two
    _, token = link_of(mailbox, only)
    assert set_password(client, token).status_code == 204
    with app.app_context():
        statuses = db.session().scalars(
            select(Email.status).where(Email.kind == "invitation")
        )
        assert sorted(statuses) == ["cancelled", "sent"]


def test_invitation_is_409_once_the_user_has_a_password(client, company, factory):
    company_row, admin = company
    active = factory.make_user(company_row)
    response = client.post(
        f"{API}/admin/users/{active.id}/invitation", headers=admin.headers
    )
    assert_error(response, 409, "already_active")


def test_deactivating_an_invited_user_kills_the_invitation(
    client, app, company, mailbox, send_mail
):
    _, admin = company
    user, _, token = invited(client, admin, mailbox, send_mail)

    gone = deactivate(client, admin, user["id"])
    assert gone.status_code == 200
    assert_error(set_password(client, token), 400, "invalid_token")
    again = client.post(
        f"{API}/admin/users/{user['id']}/invitation", headers=admin.headers
    )
    assert_error(again, 409, "user_deactivated")

    # Reactivated, they are invited again (no password was ever set), and a new
    # invitation works.
    back = client.post(
        f"{API}/admin/users/{user['id']}/reactivate", headers=admin.headers
    )
    assert back.get_json()["status"] == "invited"
    assert_error(set_password(client, token), 400, "invalid_token")
    resent = client.post(
        f"{API}/admin/users/{user['id']}/invitation", headers=admin.headers
    )
    assert resent.status_code == 202
    [_, fresh] = delivered(mailbox, send_mail, user["email"])
    assert set_password(client, link_of(mailbox, fresh)[1]).status_code == 204


def test_deactivation_before_delivery_cancels_the_queued_invitation(
    client, app, company, mailbox, send_mail
):
    _, admin = company
    user = invite(client, admin).get_json()
    deactivate(client, admin, user["id"])
    assert delivered(mailbox, send_mail, user["email"]) == []
    with app.app_context():
        row = db.session().scalar(select(Email).where(Email.kind == "invitation"))
        assert row.status == "cancelled" and row.text_body is None


def test_the_user_list_shows_invited_users_and_filters_on_invited(
    client, company, factory
):
    company_row, admin = company
    invited = invite(client, admin).get_json()
    factory.make_user(company_row)
    page = client.get(
        f"{API}/admin/users", query_string={"status": "invited"}, headers=admin.headers
    ).get_json()["data"]
    assert [u["id"] for u in page] == [invited["id"]]
    assert page[0]["invitation_expires_at"] and page[0]["invited_at"]
    active = client.get(
        f"{API}/admin/users", query_string={"status": "active"}, headers=admin.headers
    ).get_json()["data"]
    assert invited["id"] not in {u["id"] for u in active}
    assert all(u["invitation_expires_at"] is None for u in active)


def test_invitation_needs_a_token_the_admin_role_and_my_own_user(
    client, company, factory
):
    company_row, admin = company
    invited = invite(client, admin).get_json()
    url = f"{API}/admin/users/{invited['id']}/invitation"
    assert_error(client.post(url), 401, "unauthorized")
    member = factory.login(factory.make_user(company_row))
    assert_error(client.post(url, headers=member.headers), 403, "forbidden")
    outsider = factory.company().admin_login
    assert_error(client.post(url, headers=outsider.headers), 404, "not_found")
    missing = f"{API}/admin/users/{uuid.uuid4()}/invitation"
    assert_error(client.post(missing, headers=admin.headers), 404, "not_found")
    # Inviting (POST /admin/users without a password) is held to the same.
    body = {"email": "x@example.test", "name": "X", "role": "member"}
    assert_error(client.post(f"{API}/admin/users", json=body), 401, "unauthorized")
    as_member = client.post(f"{API}/admin/users", json=body, headers=member.headers)
    assert_error(as_member, 403, "forbidden")
    for bad in ({"role": "operator"}, {"email": "not-an-email"}, {"name": ""}):
        assert_error(invite(client, admin, **bad), 422, "validation_error")
    assert_error(invite(client, admin, email=invited["email"]), 409, "email_taken")


def test_the_cli_invites_without_a_password_and_says_so(runner, app, factory):
    factory.make_client(name="Cli Invite Co")
    help_text = runner.invoke(args=["admin", "create-user", "--help"]).output
    assert "invited" in help_text
    result = runner.invoke(
        args=[
            "admin",
            "create-user",
            "Cli.Invitee@Example.test",
            "--client",
            "Cli Invite Co",
            "--role",
            "member",
        ],
        input="",
    )
    assert result.exit_code == 0, result.output
    assert "invited" in result.output and "cli.invitee@example.test" in result.output
    with app.app_context():
        user = db.session().scalar(
            select(User).where(User.email == "cli.invitee@example.test")
        )
        assert user.status == "invited" and user.password_hash is None
        email = db.session().scalar(select(Email).where(Email.user_id == user.id))
        assert (email.kind, email.status) == ("invitation", "queued")


def test_staff_are_invited_by_the_cli_in_the_teams_name(
    runner, app, mailbox, send_mail
):
    result = runner.invoke(
        args=["admin", "create-user", "helper@opsx.test", "--role", "support"]
    )
    assert result.exit_code == 0, result.output
    [message] = delivered(mailbox, send_mail, "helper@opsx.test")
    assert message["Subject"] == "The OpsX team invited you to OpsX"
    assert "None" not in mailbox.text(message)
