"""Changing one's email: it applies only when the new address confirms."""

import uuid
from datetime import timedelta

import pytest

from opsx_api import clock
from tests.accounts.helpers import (
    API,
    deactivate,
    delivered,
    invite,
    link_of,
    live_links,
    set_password,
    user_row,
)
from tests.factories import PASSWORD, assert_error
from tests.push.test_purge import purge
from tests.support.kit import SupportKit


@pytest.fixture
def company(factory):
    return factory.make_client(name="Acme Field")


@pytest.fixture
def member(factory, company):
    return factory.make_user(company, name="Max Member")


def new_address() -> str:
    return f"new-{uuid.uuid4().hex[:6]}@example.test"


def change_email(client, login, email):
    return client.patch(f"{API}/me", json={"email": email}, headers=login.headers)


def confirm(client, token):
    return client.post(f"{API}/auth/email-confirmation", json={"token": token})


def confirmation_link(mailbox, send_mail, address) -> tuple[str, str]:
    [message] = delivered(mailbox, send_mail, address)
    assert message["Subject"] == "Confirm your new OpsX email address"
    return link_of(mailbox, message)


def asked(client, factory, member, mailbox, send_mail):
    """`member` logged in and asked for a new address: (login, address, token)."""
    login = factory.login(member)
    new = new_address()
    assert change_email(client, login, new).status_code == 200
    _, token = confirmation_link(mailbox, send_mail, new)
    return login, new, token


def test_an_email_change_applies_only_after_confirmation_and_the_old_address_is_told(
    client, app, factory, member, mailbox, send_mail
):
    login = factory.login(member, push_token="fcm-email-change")
    new = new_address()
    asked = change_email(client, login, new)
    assert asked.status_code == 200
    profile = asked.get_json()
    assert (profile["email"], profile["pending_email"]) == (member.email, new)
    assert client.get(f"{API}/me", headers=login.headers).get_json() == profile
    login = factory.login(member, device_id=login.device_id)  # still the old one

    path, token = confirmation_link(mailbox, send_mail, new)
    [notice] = mailbox.to(member.email)
    assert notice["Subject"] == "Your OpsX email address is about to change"
    assert new in mailbox.text(notice)
    for _ in range(3):  # a GET on the link changes nothing
        page = client.get(path)
        assert page.status_code == 200 and new in page.get_data(as_text=True)
    assert user_row(app, member.id).email == member.email
    assert live_links(app, member.id, "email_confirmation") == 1

    confirmed = confirm(client, token)
    assert confirmed.status_code == 200
    assert confirmed.get_json() == {"email": new}
    assert user_row(app, member.id).email == new
    # The email is the key to resets: every session ends (README, Decisions).
    assert_error(client.get(f"{API}/me", headers=login.headers), 401, "invalid_token")
    factory.login(member, expect=401)  # the old address no longer signs in
    member.email = new
    fresh = factory.login(member)
    me = client.get(f"{API}/me", headers=fresh.headers).get_json()
    assert (me["email"], me["pending_email"]) == (new, None)
    assert_error(confirm(client, token), 400, "invalid_token")


def test_the_confirmation_page_applies_the_change_through_the_same_service(
    client, app, factory, member, mailbox, send_mail
):
    _, new, token = asked(client, factory, member, mailbox, send_mail)

    done = client.post("/links/email-confirmation", data={"token": token})
    assert done.status_code == 200
    html = done.get_data(as_text=True)
    assert "is now" in html and new in html
    assert user_row(app, member.id).email == new
    again = client.post("/links/email-confirmation", data={"token": token})
    assert again.status_code == 400


def test_the_answer_is_the_same_whether_the_address_is_free_or_taken(
    client, factory, company, mailbox, send_mail
):
    owner = factory.make_user(company, name="Olive Owner")
    first = factory.make_user(company, name="Same Name")
    second = factory.make_user(company, name="Same Name")
    free, taken = new_address(), owner.email

    answers = []
    for user, address in ((first, free), (second, taken)):
        response = change_email(client, factory.login(user), address)
        assert response.status_code == 200
        body = response.get_json()
        assert (body["email"], body["pending_email"]) == (user.email, address)
        # Everything but who asked and for what is the same.
        for key in ("id", "email", "pending_email", "created_at"):
            body.pop(key)
        expires = body.pop("pending_email_expires_at")
        answers.append(body)
        assert expires
    assert answers[0] == answers[1]

    send_mail()
    [link_mail] = mailbox.to(free)
    assert mailbox.link_in(link_mail)
    [taken_mail] = mailbox.to(taken)
    assert taken_mail["Subject"] == "Someone tried to use this address on OpsX"
    assert "http" not in mailbox.text(taken_mail)  # no link to confirm anything
    for user, address in ((first, free), (second, taken)):
        [notice] = mailbox.to(user.email)  # the old address is told either way
        assert address in mailbox.text(notice)


def test_confirming_an_address_taken_meanwhile_is_409_and_changes_nothing(
    client, app, factory, company, member, mailbox, send_mail
):
    login, new, token = asked(client, factory, member, mailbox, send_mail)
    admin = factory.login(factory.admin_of(company))
    assert invite(client, admin, email=new).status_code == 201

    assert_error(confirm(client, token), 409, "email_taken")
    assert user_row(app, member.id).email == member.email
    assert client.get(f"{API}/me", headers=login.headers).status_code == 200


def test_forged_and_expired_confirmation_links_are_invalid_token(
    client, app, factory, member, mailbox, send_mail
):
    login, _, token = asked(client, factory, member, mailbox, send_mail)
    for forged in ("forged", "A" * 43, token[:-3] + "abc"):
        assert_error(confirm(client, forged), 400, "invalid_token")
    assert_error(set_password(client, token), 400, "invalid_token")  # wrong purpose

    clock.advance(timedelta(hours=24, seconds=1))
    assert_error(confirm(client, token), 400, "invalid_token")
    login = factory.login(member, device_id=login.device_id)  # after 24 h
    me = client.get(f"{API}/me", headers=login.headers).get_json()
    assert (me["email"], me["pending_email"]) == (member.email, None)


def test_a_new_request_kills_the_earlier_link_and_asking_for_the_current_cancels(
    client, app, factory, member, mailbox, send_mail
):
    login = factory.login(member)
    first, second = new_address(), new_address()
    change_email(client, login, first)
    _, first_token = confirmation_link(mailbox, send_mail, first)
    change_email(client, login, second)
    _, second_token = confirmation_link(mailbox, send_mail, second)
    assert_error(confirm(client, first_token), 400, "invalid_token")

    cancelled = change_email(client, login, member.email.upper())
    assert cancelled.get_json()["pending_email"] is None
    assert_error(confirm(client, second_token), 400, "invalid_token")
    assert user_row(app, member.id).email == member.email


def test_a_confirmed_change_kills_reset_links_sent_to_the_old_address(
    client, factory, member, mailbox, send_mail
):
    login = factory.login(member)
    client.post(f"{API}/auth/password-reset", json={"email": member.email})
    [reset] = delivered(mailbox, send_mail, member.email)
    new = new_address()
    change_email(client, login, new)
    _, token = confirmation_link(mailbox, send_mail, new)
    assert confirm(client, token).status_code == 200

    assert_error(set_password(client, link_of(mailbox, reset)[1]), 400, "invalid_token")


def test_deactivation_drops_the_pending_email_and_its_link(
    client, app, factory, company, member, mailbox, send_mail
):
    _, _, token = asked(client, factory, member, mailbox, send_mail)
    deactivate(client, factory.login(factory.admin_of(company)), member.id)

    assert_error(confirm(client, token), 400, "invalid_token")
    assert user_row(app, member.id).pending_email is None


def test_email_changes_are_throttled_per_user(
    client, app, factory, member, mailbox, send_mail
):
    login = factory.login(member)
    limit = app.config["EMAIL_CHANGE_MAX_PER_USER"]
    statuses = [
        change_email(client, login, new_address()).status_code for _ in range(8)
    ]
    assert statuses == [200] * limit + [429] * (8 - limit)
    throttled = change_email(client, login, new_address())
    assert_error(throttled, 429, "too_many_attempts")
    assert int(throttled.headers["Retry-After"]) > 0
    # A name change, or the current address, is never counted.
    again = client.patch(
        f"{API}/me",
        json={"name": "Still Here", "email": member.email},
        headers=login.headers,
    )
    assert again.status_code == 200 and again.get_json()["name"] == "Still Here"


def test_patch_me_needs_a_token_my_own_login_and_a_good_body(
    client, app, factory, company, member
):
    assert_error(
        client.patch(f"{API}/me", json={"email": new_address()}), 401, "unauthorized"
    )
    kit = SupportKit(app, factory, client)
    entry = kit.enter(factory.company(), "write")
    as_support = client.patch(
        f"{API}/me", json={"email": new_address()}, headers=entry.headers
    )
    assert_error(as_support, 403, "forbidden")
    login = factory.login(member)
    for body in ({"email": "not-an-email"}, {"email": None}, {"status": "active"}):
        response = client.patch(f"{API}/me", json=body, headers=login.headers)
        assert_error(response, 422, "validation_error")
    for body in ({}, {"token": 7}, {"token": ""}):
        response = client.post(f"{API}/auth/email-confirmation", json=body)
        assert_error(response, 422, "validation_error")
    factory.login(member, password=PASSWORD, device_id=login.device_id)


def test_purge_forgets_a_pending_address_once_its_link_expired(
    client, app, runner, factory, member, mailbox, send_mail
):
    asked(client, factory, member, mailbox, send_mail)
    assert purge(runner)["expired pending emails cleared"] == 0
    clock.advance(timedelta(hours=24, seconds=1))
    assert purge(runner)["expired pending emails cleared"] == 1
    row = user_row(app, member.id)
    assert (row.pending_email, row.pending_email_expires_at) == (None, None)
