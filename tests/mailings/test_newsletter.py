"""The newsletter: double opt-in, the signed one-click unsubscribe link from the
received email (RFC 8058), and an answer that tells nothing about addresses."""

from datetime import timedelta

from itsdangerous import URLSafeTimedSerializer

from opsx_api import clock
from opsx_api.services import signed_links
from tests.accounts.helpers import delivered, link_of
from tests.factories import assert_error
from tests.mail.helpers import email_rows
from tests.mailings.helpers import (
    API,
    altered,
    am_i_subscribed,
    send_issue,
    subscribe_me,
    subscriptions,
)


def operator_of(factory):
    return factory.login(factory.make_user(None, "operator"))


def test_the_unsubscribe_link_from_the_received_newsletter_works_without_login(
    factory, client, mailbox, send_mail
):
    user = factory.make_user(factory.make_client(), email="reader@example.test")
    login = factory.login(user)
    assert subscribe_me(client, login).get_json() == {"subscribed": True}
    sent = send_issue(client, operator_of(factory), subject="Spring news")
    assert sent.status_code == 202 and sent.get_json() == {"queued": 1}
    [message] = delivered(mailbox, send_mail, "reader@example.test")
    assert message["Subject"] == "Spring news"
    path, token = link_of(mailbox, message)
    assert path.startswith("/links/newsletter-unsubscribe?token=")
    assert message["List-Unsubscribe"] == f"<{mailbox.link_in(message)}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    [row] = [r for r in email_rows(factory.app) if r.kind == "newsletter"]
    assert (row.status, row.list_unsubscribe, row.text_body) == ("sent", None, None)

    page = client.get(path)  # a mail scanner's GET
    assert page.status_code == 200 and "Unsubscribe" in page.get_data(as_text=True)
    assert am_i_subscribed(client, login) is True

    done = client.post(f"{API}/newsletter/unsubscribe", json={"token": token})
    assert done.status_code == 200
    assert am_i_subscribed(client, login) is False
    again = client.post(f"{API}/newsletter/unsubscribe", json={"token": token})
    assert again.status_code == 200  # idempotent
    assert subscriptions(factory.app) == []


def test_a_mail_clients_one_click_post_to_the_header_url_unsubscribes(
    factory, client, mailbox, send_mail
):
    login = factory.login(factory.make_user(factory.make_client(), email="a@ex.test"))
    subscribe_me(client, login)
    send_issue(client, operator_of(factory))
    [message] = delivered(mailbox, send_mail, "a@ex.test")
    url = message["List-Unsubscribe"].strip("<>")
    path = url.split("://", 1)[1].split("/", 1)[1]
    response = client.post(f"/{path}", data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert am_i_subscribed(client, login) is False


def test_a_forged_or_altered_token_is_400_and_changes_nothing(
    factory, client, app, mailbox, send_mail
):
    login = factory.login(factory.make_user(factory.make_client(), email="b@ex.test"))
    subscribe_me(client, login)
    send_issue(client, operator_of(factory))
    [message] = delivered(mailbox, send_mail, "b@ex.test")
    path, token = link_of(mailbox, message)
    [row] = subscriptions(app)
    with app.app_context():
        forged = URLSafeTimedSerializer("not-our-secret", salt="x").dumps(row.id.hex)
        other_purpose = signed_links.sign("referral_removal", row.id)
    for bad in [*altered(token), forged, other_purpose, "", "x" * 300]:
        response = client.post(f"{API}/newsletter/unsubscribe", json={"token": bad})
        if bad:
            assert_error(response, 400, "invalid_token")
        else:
            assert_error(response, 422, "validation_error")
        page = client.post(path.split("?")[0], data={"token": bad})
        assert page.status_code == 400
    assert (
        client.get(path.split("?")[0] + "?token=" + altered(token)[0]).status_code
        == 400
    )
    assert am_i_subscribed(client, login) is True


def test_the_subscription_answer_does_not_reveal_known_addresses(
    factory, client, app, mailbox, send_mail
):
    company = factory.make_client()
    member = factory.make_user(company, email="known@ex.test")
    subscribe_me(
        client, factory.login(factory.make_user(company, email="subbed@ex.test"))
    )
    client.post(f"{API}/newsletter/subscriptions", json={"email": "pend@ex.test"})
    send_mail()
    mailbox.messages.clear()
    answers = []
    for address in ("new@ex.test", member.email, "subbed@ex.test", "pend@ex.test"):
        response = client.post(
            f"{API}/newsletter/subscriptions", json={"email": address.upper()}
        )
        answers.append((response.status_code, response.get_json()))
    assert answers[0][0] == 202
    assert all(answer == answers[0] for answer in answers)
    send_mail()
    subjects = {m["To"].addresses[0].addr_spec: m["Subject"] for m in mailbox.messages}
    assert len(mailbox.messages) == 4
    assert set(subjects.values()) == {
        "Confirm your subscription to the OpsX newsletter"
    }
    texts = {
        mailbox.text(m)
        .replace(mailbox.link_in(m), "LINK")
        .replace(m["To"].addresses[0].addr_spec, "ADDRESS")
        for m in mailbox.messages
    }
    assert len(texts) == 1  # the same email, whoever owns the address


def test_double_opt_in_the_confirmation_link_subscribes_and_a_get_does_not(
    factory, client, app, mailbox, send_mail
):
    response = client.post(
        f"{API}/newsletter/subscriptions", json={"email": "Fresh@Ex.Test"}
    )
    assert response.status_code == 202
    [message] = delivered(mailbox, send_mail, "fresh@ex.test")
    path, token = link_of(mailbox, message)
    assert path.startswith("/links/newsletter-confirmation?token=")
    assert client.get(path).status_code == 200
    [row] = subscriptions(app)
    assert row.status == "pending"
    operator = operator_of(factory)
    assert send_issue(client, operator).get_json() == {"queued": 0}
    page = client.post(path.split("?")[0], data={"token": token})
    assert page.status_code == 200
    [row] = subscriptions(app)
    assert (row.status, row.email) == ("subscribed", "fresh@ex.test")
    again = client.post(f"{API}/newsletter/confirmation", json={"token": token})
    assert again.status_code == 200
    assert send_issue(client, operator).get_json() == {"queued": 1}
    for bad in altered(token):
        bad_answer = client.post(f"{API}/newsletter/confirmation", json={"token": bad})
        assert_error(bad_answer, 400, "invalid_token")


def test_subscription_requests_are_throttled_per_ip_and_quietly_per_address(
    client, app, monkeypatch, mailbox, send_mail
):
    monkeypatch.setitem(app.config, "RESET_MAX_PER_ADDRESS", 2)
    monkeypatch.setitem(app.config, "RESET_MAX_PER_IP", 3)
    body = {"email": "flooded@ex.test"}
    answers = [
        client.post(f"{API}/newsletter/subscriptions", json=body).status_code
        for _ in range(3)
    ]
    assert answers == [202, 202, 202]
    assert len(delivered(mailbox, send_mail, "flooded@ex.test")) == 2
    over = client.post(f"{API}/newsletter/subscriptions", json={"email": "z@ex.test"})
    assert_error(over, 429, "too_many_attempts")
    assert over.headers["Retry-After"]


def test_my_newsletter_subscribes_and_unsubscribes_my_account(factory, client, app):
    login = factory.company(members=1).member_login
    assert am_i_subscribed(client, login) is False
    assert subscribe_me(client, login).status_code == 200
    assert subscribe_me(client, login).status_code == 200  # twice: still one row
    assert am_i_subscribed(client, login) is True
    assert len(subscriptions(app)) == 1
    assert subscribe_me(client, login, False).get_json() == {"subscribed": False}
    assert subscriptions(app) == []
    bad = client.put(
        f"{API}/me/newsletter", json={"subscribed": "maybe"}, headers=login.headers
    )
    assert_error(bad, 422, "validation_error")


def test_the_cli_sends_an_issue_with_progress_and_a_count(
    factory, client, runner, tmp_path, mailbox, send_mail
):
    company = factory.make_client()
    for n in range(2):
        reader = factory.make_user(company, email=f"s{n}@ex.test")
        subscribe_me(client, factory.login(reader))
    body = tmp_path / "issue.txt"
    body.write_text("First paragraph.\r\n\r\nSecond <b>paragraph</b>.\r\n")
    result = runner.invoke(
        args=["admin", "send-newsletter", "--subject", "Q&A", "--body-file", str(body)]
    )
    assert result.exit_code == 0, result.output
    assert "queued 2/2" in result.output
    assert "newsletter queued for 2 subscribers" in result.output
    [message] = delivered(mailbox, send_mail, "s0@ex.test")
    assert message["Subject"] == "Q&A"
    assert "Second &lt;b&gt;paragraph&lt;/b&gt;." in mailbox.html(message)
    assert "Second <b>paragraph</b>." in mailbox.text(message)


def test_only_operators_send_newsletters(factory, client):
    company = factory.company(members=1)
    for caller in (company.admin_login, company.member_login):
        assert_error(send_issue(client, caller), 403, "forbidden")
    bad = client.post(
        f"{API}/operator/newsletters",
        json={"subject": ""},
        headers=operator_of(factory).headers,
    )
    assert_error(bad, 422, "validation_error")


def test_unconfirmed_subscriptions_are_deleted_when_their_link_expires(
    client, app, runner
):
    client.post(f"{API}/newsletter/subscriptions", json={"email": "late@ex.test"})
    clock.advance(timedelta(days=6))
    dry = runner.invoke(args=["admin", "purge", "--dry-run"])
    assert "unconfirmed newsletter subscriptions deleted: 0" in dry.output
    clock.advance(timedelta(days=1, seconds=1))
    dry = runner.invoke(args=["admin", "purge", "--dry-run"])
    assert "unconfirmed newsletter subscriptions deleted: 1" in dry.output
    assert len(subscriptions(app)) == 1
    done = runner.invoke(args=["admin", "purge", "--yes"])
    assert "unconfirmed newsletter subscriptions deleted: 1" in done.output
    assert subscriptions(app) == []


def test_asking_again_keeps_a_pending_subscription_while_the_new_link_works(
    client, app, runner, mailbox, send_mail
):
    body = {"email": "slow@ex.test"}
    client.post(f"{API}/newsletter/subscriptions", json=body)
    clock.advance(timedelta(days=6))
    client.post(f"{API}/newsletter/subscriptions", json=body)
    clock.advance(timedelta(days=2))
    purged = runner.invoke(args=["admin", "purge", "--yes"])
    assert "unconfirmed newsletter subscriptions deleted: 0" in purged.output
    messages = delivered(mailbox, send_mail, "slow@ex.test")
    assert len(messages) == 1  # the first link's email died unsent with its link
    _path, token = link_of(mailbox, messages[0])
    confirmed = client.post(f"{API}/newsletter/confirmation", json={"token": token})
    assert confirmed.status_code == 200
    assert [row.status for row in subscriptions(app)] == ["subscribed"]


def test_an_accounts_subscription_follows_its_confirmed_new_address(
    factory, client, mailbox, send_mail
):
    user = factory.make_user(factory.make_client(), email="old@ex.test")
    login = factory.login(user)
    subscribe_me(client, login)
    changed = client.patch(
        f"{API}/me", json={"email": "new@ex.test"}, headers=login.headers
    )
    assert changed.status_code == 200
    [confirmation] = delivered(mailbox, send_mail, "new@ex.test")
    _path, token = link_of(mailbox, confirmation)
    confirmed = client.post(f"{API}/auth/email-confirmation", json={"token": token})
    assert confirmed.status_code == 200
    mailbox.messages.clear()
    assert send_issue(client, operator_of(factory)).get_json() == {"queued": 1}
    send_mail()
    assert [m["To"].addresses[0].addr_spec for m in mailbox.messages] == ["new@ex.test"]
