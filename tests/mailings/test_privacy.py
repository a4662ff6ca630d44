"""The newsletter and referrals in the export, in erasure and in retention."""

import json
from datetime import timedelta

from opsx_api import clock
from tests.accounts.helpers import delivered
from tests.factories import PASSWORD
from tests.mailings.helpers import API, refer, referrals, subscribe_me, subscriptions
from tests.privacy.helpers import traces


def test_export_holds_my_newsletter_and_referrals_and_nothing_of_a_neighbour(
    factory, client
):
    company = factory.company(members=2)
    me, neighbour = company.member_logins
    subscribe_me(client, me)
    subscribe_me(client, neighbour)
    refer(client, me, name="Olga Mine", email="olga@example.test")
    refer(client, neighbour, name="Pavel Theirs", email="pavel@example.test")

    response = client.get(f"{API}/me/export", headers=me.headers)

    assert response.status_code == 200
    document = json.loads(response.get_data())
    newsletter = document["newsletter"]
    assert (newsletter["status"], newsletter["email"]) == (
        "subscribed",
        company.members[0].email,
    )
    assert [(r["name"], r["email"]) for r in document["referrals"]] == [
        ("Olga Mine", "olga@example.test")
    ]
    text = response.get_data(as_text=True)
    for theirs in (company.members[1].email, "Pavel", "pavel@example.test"):
        assert theirs not in text
    client.put(f"{API}/me/newsletter", json={"subscribed": False}, headers=me.headers)
    again = json.loads(client.get(f"{API}/me/export", headers=me.headers).get_data())
    assert again["newsletter"] == {"status": "not_subscribed"}


def test_purge_erases_the_newsletter_and_referrals_of_a_deleted_person(
    factory, client, app, runner, mailbox, send_mail
):
    company = factory.make_client()
    person = factory.make_user(
        company, name="Quinn Leaving", email="quinn.leaving@example.test"
    )
    login = factory.login(person)
    other = factory.login(factory.make_user(company))
    subscribe_me(client, login)
    refer(client, login, name="Rhea Referred", email="rhea.referred@example.test")
    # someone else referred the person's address: their data too
    refer(client, other, name="Quinn Elsewhere", email="quinn.leaving@example.test")
    client.post(f"{API}/newsletter/subscriptions", json={"email": person.email})
    delivered(mailbox, send_mail, person.email)
    deleted = client.post(
        f"{API}/me/deletion", json={"password": PASSWORD}, headers=login.headers
    )
    assert deleted.status_code == 202
    needles = ("Quinn", "quinn.leaving", "Rhea", "rhea.referred")
    assert {"newsletter_subscriptions", "referrals"} <= set(traces(app, *needles))

    clock.advance(timedelta(days=31))
    result = runner.invoke(args=["admin", "purge", "--yes"])

    assert result.exit_code == 0, result.output
    assert "people erased after their deletion grace: 1" in result.output
    assert traces(app, *needles) == {}
    assert subscriptions(app) == []
    [kept] = referrals(app)  # the other person's, without the erased address
    assert (kept.name, kept.email) == (None, None)
