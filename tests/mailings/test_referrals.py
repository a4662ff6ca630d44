"""Referrals: one invitation whose link erases the friend at once; conversion
and the retention period of unconverted referrals."""

from datetime import timedelta

from itsdangerous import URLSafeTimedSerializer

from opsx_api import clock
from tests.accounts.helpers import delivered, link_of
from tests.factories import assert_error
from tests.mailings.helpers import API, altered, refer, referrals
from tests.privacy.helpers import traces


def purge(runner, *extra) -> str:
    yes = () if "--dry-run" in extra else ("--yes",)
    result = runner.invoke(args=["admin", "purge", *yes, *extra])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_invitations_removal_link_erases_the_friend_at_once(
    factory, client, app, mailbox, send_mail
):
    login = factory.login(
        factory.make_user(factory.make_client(), name="Rita Referrer")
    )
    created = refer(client, login, name="Freya Friendly", email="Freya@Example.Test")
    assert created.status_code == 201
    assert created.get_json()["email"] == "freya@example.test"
    [message] = delivered(mailbox, send_mail, "freya@example.test")
    assert message["Subject"] == "An invitation to try OpsX"
    assert "Rita Referrer" in mailbox.text(message)
    path, token = link_of(mailbox, message)
    assert path.startswith("/links/referral-removal?token=")

    assert client.get(path).status_code == 200  # a scanner's GET changes nothing
    assert [r.name for r in referrals(app)] == ["Freya Friendly"]

    removed = client.post(f"{API}/referrals/removal", json={"token": token})
    assert removed.status_code == 200
    assert referrals(app) == []
    assert traces(app, "Freya", "freya@example.test") == {}
    again = client.post(f"{API}/referrals/removal", json={"token": token})
    assert again.status_code == 200  # idempotent
    listing = client.get(f"{API}/me/referrals", headers=login.headers)
    assert listing.get_json() == {"data": [], "next_cursor": None}


def test_the_removal_page_erases_too_and_forged_tokens_are_400(
    factory, client, app, mailbox, send_mail
):
    login = factory.company(members=1).member_login
    refer(client, login, email="gus@example.test")
    [message] = delivered(mailbox, send_mail, "gus@example.test")
    path, token = link_of(mailbox, message)
    forged = URLSafeTimedSerializer("guess", salt="opsx.referral_removal").dumps("0")
    for bad in [*altered(token), forged]:
        api = client.post(f"{API}/referrals/removal", json={"token": bad})
        assert_error(api, 400, "invalid_token")
        assert client.post(path.split("?")[0], data={"token": bad}).status_code == 400
    assert len(referrals(app)) == 1
    page = client.post(path.split("?")[0], data={"token": token})
    assert page.status_code == 200
    assert referrals(app) == []


def test_referring_lists_mine_refuses_a_repeat_and_is_throttled(
    factory, client, app, monkeypatch
):
    monkeypatch.setitem(app.config, "REFERRAL_MAX_PER_USER", 3)
    login, neighbour = factory.company(members=2).member_logins
    assert refer(client, login, email="one@example.test").status_code == 201
    assert refer(client, neighbour, email="one@example.test").status_code == 201
    assert_error(
        refer(client, login, email="one@example.test"), 409, "already_referred"
    )
    assert refer(client, login, email="two@example.test").status_code == 201
    assert_error(
        refer(client, login, email="three@example.test"), 429, "too_many_attempts"
    )
    bad = client.post(
        f"{API}/me/referrals", json={"name": " ", "email": "x"}, headers=login.headers
    )
    assert_error(bad, 422, "validation_error")
    page = client.get(f"{API}/me/referrals", headers=login.headers).get_json()
    assert [r["email"] for r in page["data"]] == [
        "two@example.test",
        "one@example.test",
    ]
    first = client.get(f"{API}/me/referrals?limit=1", headers=login.headers).get_json()
    assert len(first["data"]) == 1 and first["next_cursor"]


def test_a_friend_who_joins_converts_the_referral_and_their_data_is_erased(
    factory, client, app, runner, mailbox, send_mail
):
    company = factory.make_client()
    login = factory.login(factory.make_user(company))
    refer(client, login, name="Hank Joiner", email="hank@example.test")
    refer(client, login, name="Ivy Stays", email="ivy@example.test")
    send_mail()
    clock.advance(timedelta(days=1))
    factory.make_user(company, email="hank@example.test", name="Hank J")
    output = purge(runner)
    assert "referrals converted (friend's data erased): 1" in output
    rows = sorted(referrals(app), key=lambda r: r.converted_at is None)
    assert (rows[0].name, rows[0].email) == (None, None)
    assert rows[0].converted_at is not None
    assert (rows[1].name, rows[1].converted_at) == ("Ivy Stays", None)
    assert traces(app, "Hank Joiner") == {}


def test_unconverted_referrals_are_erased_after_the_retention_period(
    factory, client, app, runner, monkeypatch, mailbox, send_mail
):
    monkeypatch.setitem(app.config, "REFERRAL_RETENTION_DAYS", 30)
    login = factory.company(members=1).member_login
    refer(client, login, name="Jules Ignored", email="jules@example.test")
    send_mail()
    clock.advance(timedelta(days=29))
    assert "unconverted referrals erased: 0" in purge(runner)
    clock.advance(timedelta(days=1, seconds=1))
    assert "unconverted referrals erased: 1" in purge(runner, "--dry-run")
    assert len(referrals(app)) == 1
    assert "unconverted referrals erased: 1" in purge(runner)
    assert referrals(app) == []
    assert traces(app, "Jules", "jules@example.test") == {}


def test_a_friend_who_confirms_the_newsletter_converts_the_referral(
    factory, client, app, runner, mailbox, send_mail
):
    login = factory.company(members=1).member_login
    refer(client, login, name="Kim Reader", email="kim@example.test")
    send_mail()
    client.post(f"{API}/newsletter/subscriptions", json={"email": "kim@example.test"})
    assert "referrals converted (friend's data erased): 0" in purge(runner)
    [message] = [
        m
        for m in delivered(mailbox, send_mail, "kim@example.test")
        if "newsletter" in m["Subject"]
    ]
    _path, token = link_of(mailbox, message)
    assert (
        client.post(f"{API}/newsletter/confirmation", json={"token": token}).status_code
        == 200
    )
    assert "referrals converted (friend's data erased): 1" in purge(runner)
    [row] = referrals(app)
    assert (row.name, row.email) == (None, None) and row.converted_at is not None
    assert traces(app, "Kim Reader") == {}  # the invitation's row went too
