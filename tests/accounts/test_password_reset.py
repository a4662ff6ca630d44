"""Password reset by an emailed link: same answer for every address, throttled,
single use, and it ends every session of the user."""

import re
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from models import Email, User
from opsx_api import clock, db
from opsx_api.services import links
from tests.accounts.helpers import (
    API,
    NEW_PASSWORD,
    deactivate,
    delivered,
    invite,
    link_of,
    set_password,
)
from tests.factories import PASSWORD, assert_error
from tests.push.test_purge import purge


def ask_reset(client, email, ip="127.0.0.1"):
    return client.post(
        f"{API}/auth/password-reset",
        json={"email": email},
        environ_base={"REMOTE_ADDR": ip},
    )


def reset_link(client, mailbox, send_mail, email) -> tuple[str, str]:
    """Ask for a reset of `email`; the emailed link's (path, token)."""
    assert ask_reset(client, email).status_code == 202
    *_, message = delivered(mailbox, send_mail, email)
    assert message["Subject"] == "Reset your OpsX password"
    return link_of(mailbox, message)


@pytest.fixture
def company(factory):
    return factory.make_client()


@pytest.fixture
def member(factory, company):
    return factory.make_user(company, name="Max Member")


def test_a_reset_ends_every_session_and_the_old_password_and_works_once(
    client, factory, member, mailbox, send_mail
):
    login = factory.login(member, push_token="fcm-before-reset")
    path, token = reset_link(client, mailbox, send_mail, member.email)
    assert path.startswith("/links/password-reset?token=")

    assert set_password(client, token).status_code == 204

    old_access = client.get(f"{API}/me", headers=login.headers)
    assert_error(old_access, 401, "invalid_token")
    old_refresh = client.post(
        f"{API}/auth/refresh", json={"refresh_token": login.refresh}
    )
    assert_error(old_refresh, 401, "invalid_grant")
    old_password = factory.login(member, password=PASSWORD, expect=401)
    assert old_password.body["error"]["code"] == "invalid_credentials"
    factory.login(member, password=NEW_PASSWORD)
    assert_error(
        set_password(client, token, "yet-another-passphrase"), 400, "invalid_token"
    )


def test_forged_expired_and_wrong_purpose_links_are_invalid_token(
    client, app, factory, member, mailbox, send_mail
):
    _, token = reset_link(client, mailbox, send_mail, member.email)
    for forged in ("forged", token[:-2] + "xx", "A" * 43, "A" * 300):
        assert_error(set_password(client, forged), 400, "invalid_token")
    with app.app_context(), db.unit_of_work():
        other = links.issue(db.session().get(User, member.id), "email_confirmation")
    assert_error(set_password(client, other.token), 400, "invalid_token")

    clock.advance(timedelta(minutes=30, seconds=1))
    assert_error(set_password(client, token), 400, "invalid_token")
    assert client.get(f"/links/password-reset?token={token}").status_code == 400
    factory.login(member, password=PASSWORD)  # nothing changed


def test_a_get_on_the_reset_page_changes_nothing_and_its_form_resets(
    client, factory, member, mailbox, send_mail
):
    login = factory.login(member)
    path, token = reset_link(client, mailbox, send_mail, member.email)
    for _ in range(3):
        shown = client.get(path)
        assert shown.status_code == 200
        assert "Choose a new password" in shown.get_data(as_text=True)
    assert client.get(f"{API}/me", headers=login.headers).status_code == 200

    done = client.post(
        "/links/password-reset",
        data={
            "token": token,
            "new_password": NEW_PASSWORD,
            "new_password_again": NEW_PASSWORD,
        },
    )
    assert done.status_code == 200
    assert "signed out on every device" in done.get_data(as_text=True)
    assert client.get(f"{API}/me", headers=login.headers).status_code == 401
    factory.login(member, password=NEW_PASSWORD)


def test_a_weak_password_is_422_and_the_reset_link_still_works(
    client, factory, member, mailbox, send_mail
):
    login = factory.login(member)
    _, token = reset_link(client, mailbox, send_mail, member.email)
    weak = set_password(client, token, "max member rocks")
    assert_error(weak, 422, "validation_error")
    assert client.get(f"{API}/me", headers=login.headers).status_code == 200
    assert set_password(client, token).status_code == 204


def comparable(response) -> tuple:
    """Everything a caller can see of an answer, but the per-request id.

    A 429's seconds to wait depend on when it is asked, not on the address.
    """
    headers = tuple(
        (k, "n" if k == "Retry-After" else v)
        for k, v in sorted(response.headers)
        if k != "X-Request-ID"
    )
    body = re.sub(rb'"retry_after":\d+', b'"retry_after":n', response.get_data())
    return response.status_code, headers, body


def test_the_answer_is_byte_identical_for_every_kind_of_address(
    client, factory, mailbox, send_mail
):
    company = factory.make_client()
    active = factory.make_user(company)
    gone = factory.make_user(company)
    admin = factory.login(factory.admin_of(company))
    deactivate(client, admin, gone.id)
    invited = invite(client, admin).get_json()
    send_mail()  # the invitation goes out first
    before = len(mailbox.messages)

    addresses = {
        "active": active.email,
        "unknown": f"nobody-{uuid.uuid4().hex[:6]}@example.test",
        "invited": invited["email"],
        "deactivated": gone.email,
    }
    answers = {kind: ask_reset(client, email) for kind, email in addresses.items()}

    assert answers["active"].status_code == 202
    assert len({comparable(answer) for answer in answers.values()}) == 1
    send_mail()
    sent = mailbox.messages[before:]
    assert [m["To"].addresses[0].addr_spec for m in sent] == [active.email]


def test_25_requests_for_one_address_put_a_handful_in_the_mailbox(
    client, app, member, mailbox, send_mail
):
    statuses = []
    for _ in range(25):  # the worker sends each at once: the worst case
        statuses.append(ask_reset(client, member.email).status_code)
        send_mail()

    limit = app.config["RESET_MAX_PER_ADDRESS"]
    assert len(mailbox.to(member.email)) == limit <= 5
    # Past the address's limit the answer does not change (silently no email);
    # past the IP's it is 429, for this caller whatever the address.
    ip_limit = app.config["RESET_MAX_PER_IP"]
    assert statuses == [202] * ip_limit + [429] * (25 - ip_limit)


def test_throttled_answers_are_the_same_for_an_unknown_address(client, member):
    """The same 25 requests, for a known and an unknown address from two IPs."""
    unknown = f"nobody-{uuid.uuid4().hex[:6]}@example.test"
    known = [comparable(ask_reset(client, member.email, "10.0.0.1")) for _ in range(25)]
    other = [comparable(ask_reset(client, unknown, "10.0.0.2")) for _ in range(25)]
    assert known == other
    throttled = ask_reset(client, unknown, "10.0.0.2")
    assert_error(throttled, 429, "too_many_attempts")
    assert 0 < int(throttled.headers["Retry-After"]) <= 3600


def test_the_address_throttle_lifts_after_the_window(
    client, app, member, mailbox, send_mail
):
    for n in range(app.config["RESET_MAX_PER_ADDRESS"] + 2):
        ask_reset(client, member.email, f"10.0.1.{n}")
        send_mail()
    count = len(mailbox.to(member.email))
    clock.advance(timedelta(seconds=app.config["ACCOUNT_EMAIL_WINDOW_SECONDS"] + 1))
    reset_link(client, mailbox, send_mail, member.email)
    assert len(mailbox.to(member.email)) == count + 1


def test_a_reset_lifts_the_lockout_of_ones_own_failed_logins(
    client, factory, member, mailbox, send_mail
):
    for _ in range(10):
        factory.login(member, password="not-the-password-at-all", expect=None)
    factory.login(member, expect=429)
    _, token = reset_link(client, mailbox, send_mail, member.email)
    assert set_password(client, token).status_code == 204
    factory.login(member, password=NEW_PASSWORD)


def test_a_reset_request_needs_an_email(client):
    for body in ({}, {"email": "not-an-email"}, {"email": None}, {"mail": "a@b.test"}):
        assert_error(
            client.post(f"{API}/auth/password-reset", json=body),
            422,
            "validation_error",
        )


def test_an_admin_sends_a_reset_link_without_seeing_it(
    client, factory, company, member, mailbox, send_mail
):
    admin = factory.login(factory.admin_of(company))
    login = factory.login(member)
    response = client.post(
        f"{API}/admin/users/{member.id}/password-reset", headers=admin.headers
    )
    assert response.status_code == 202
    receipt = response.get_json()
    assert set(receipt) == {"user_id", "sent_to", "expires_at"}
    assert receipt["sent_to"] == member.email
    # Nothing changes until the user acts on the link.
    assert client.get(f"{API}/me", headers=login.headers).status_code == 200

    [message] = delivered(mailbox, send_mail, member.email)
    _, token = link_of(mailbox, message)
    assert token not in response.get_data(as_text=True)
    assert set_password(client, token).status_code == 204
    assert client.get(f"{API}/me", headers=login.headers).status_code == 401


def test_an_admin_reset_is_409_for_invited_and_deactivated_users(client, factory):
    company = factory.company()
    admin = company.admin_login
    invited = invite(client, admin).get_json()
    gone = factory.make_user(company)
    deactivate(client, admin, gone.id)
    for user_id, code in (
        (invited["id"], "invitation_pending"),
        (gone.id, "user_deactivated"),
    ):
        response = client.post(
            f"{API}/admin/users/{user_id}/password-reset", headers=admin.headers
        )
        assert_error(response, 409, code)


def test_an_admin_reset_needs_a_token_the_admin_role_and_my_own_user(
    client, app, factory, company, member
):
    url = f"{API}/admin/users/{member.id}/password-reset"
    assert_error(client.post(url), 401, "unauthorized")
    peer = factory.login(factory.make_user(company))
    assert_error(client.post(url, headers=peer.headers), 403, "forbidden")
    outsider = factory.company().admin_login
    assert_error(client.post(url, headers=outsider.headers), 404, "not_found")
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(Email)) == 0


def test_purge_keeps_reset_counts_for_their_whole_window(
    client, app, runner, member, mailbox, send_mail
):
    for _ in range(app.config["RESET_MAX_PER_ADDRESS"]):
        ask_reset(client, member.email)
        send_mail()
    sent = len(mailbox.to(member.email))
    clock.advance(timedelta(seconds=app.config["LOGIN_WINDOW_SECONDS"] + 1))
    purge(runner)

    assert ask_reset(client, member.email).status_code == 202
    send_mail()
    assert len(mailbox.to(member.email)) == sent  # still throttled
