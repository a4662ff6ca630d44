"""`POST /me/deletion`: cut off at once, cancellable, erased after the grace."""

from datetime import datetime, timedelta

from sqlalchemy import func, select

from models import DeviceSession, Prospect, User
from opsx_api import clock, db
from tests.accounts.helpers import delivered, link_of
from tests.factories import PASSWORD, assert_error
from tests.privacy.helpers import API, login_from, traces


def delete_me(client, login, password=PASSWORD):
    return client.post(
        f"{API}/me/deletion", json={"password": password}, headers=login.headers
    )


def purge(runner) -> str:
    result = runner.invoke(args=["admin", "purge", "--yes"])
    assert result.exit_code == 0, result.output
    return result.output


def user_row(app, user_id) -> User:
    with app.app_context():
        return db.session().get(User, user_id)


def test_deletion_revokes_everything_at_once(factory, client, app):
    user = factory.make_user(factory.make_client())
    login = factory.login(user, push_token="fcm-leaving-phone")
    response = delete_me(client, login)
    assert response.status_code == 202
    erase_after = datetime.fromisoformat(response.get_json()["erase_after"])
    assert timedelta(days=29) < erase_after - clock.utcnow() <= timedelta(days=30)
    assert client.get(f"{API}/me", headers=login.headers).status_code == 401
    refreshed = client.post(
        f"{API}/auth/refresh", json={"refresh_token": login.refresh}
    )
    assert refreshed.get_json()["error"]["code"] == "invalid_grant"
    again = factory.login(user, expect=401)
    assert again.body["error"]["code"] == "invalid_credentials"
    with app.app_context():
        tokens = db.session().scalars(
            select(DeviceSession.push_token).where(DeviceSession.user_id == user.id)
        )
        assert [t for t in tokens if t] == []


def test_deletion_needs_the_password_and_counts_a_wrong_one(factory, client):
    user = factory.make_user(factory.make_client())
    login = factory.login(user)
    wrong = delete_me(client, login, "not-my-password-at-all")
    assert_error(wrong, 403, "invalid_credentials")
    bad = client.post(f"{API}/me/deletion", json={}, headers=login.headers)
    assert_error(bad, 422, "validation_error")
    assert client.post(f"{API}/me/deletion", json={"password": "x"}).status_code == 401
    assert client.get(f"{API}/me", headers=login.headers).status_code == 200


def test_the_only_admin_cannot_leave_the_company_without_one(factory, client):
    company = factory.company()
    admin = company.admin_login
    response = delete_me(client, admin)
    assert_error(response, 409, "last_admin")
    assert client.get(f"{API}/me", headers=admin.headers).status_code == 200


def test_a_support_session_cannot_delete_anybody(factory, kit, client):
    entry = kit.enter(factory.company(), "write")
    response = client.post(
        f"{API}/me/deletion", json={"password": PASSWORD}, headers=entry.headers
    )
    assert response.status_code == 403


def test_an_admins_reactivation_during_the_grace_cancels_it(
    factory, client, app, runner
):
    company = factory.company()
    admin = company.admin_login
    user = factory.make_user(company)
    assert delete_me(client, factory.login(user)).status_code == 202
    reactivated = client.post(
        f"{API}/admin/users/{user.id}/reactivate", headers=admin.headers
    )
    assert reactivated.status_code == 200
    clock.advance(timedelta(days=31))
    purge(runner)
    row = user_row(app, user.id)
    assert (row.erase_after, row.erased_at, row.email) == (None, None, user.email)
    factory.login(user)


def test_the_emailed_link_keeps_the_account_and_a_get_changes_nothing(
    factory, client, app, runner, mailbox, send_mail
):
    user = factory.make_user(factory.make_client(), email="keeper@example.test")
    assert delete_me(client, factory.login(user)).status_code == 202
    [message] = delivered(mailbox, send_mail, "keeper@example.test")
    assert message["Subject"] == "Your OpsX account will be deleted"
    path, token = link_of(mailbox, message)
    assert client.get(path).status_code == 200
    assert user_row(app, user.id).status == "deactivated"
    kept = client.post(path.split("?")[0], data={"token": token})
    assert kept.status_code == 200
    assert user_row(app, user.id).status == "active"
    assert client.post(path.split("?")[0], data={"token": token}).status_code == 400
    clock.advance(timedelta(days=31))
    purge(runner)
    assert user_row(app, user.id).erased_at is None
    factory.login(user)


def test_after_the_grace_purge_leaves_no_trace_of_the_person_but_their_prospects(
    factory, client, app, runner, mailbox, send_mail
):
    company = factory.company()
    admin = company.admin_login
    person = factory.make_user(
        company, name="Zelda Quartzfield", email="zelda.quartz@example.test"
    )
    ip = "198.51.100.77"
    login = login_from(
        client, person, ip, device_name="Zelda Phone", push_token="fcm-zelda-1"
    )
    prospect = client.post(
        f"{API}/prospects", json={"name": "Harbour Bakery"}, headers=login.headers
    )
    assert prospect.status_code == 201
    client.post(
        f"{API}/admin/notifications",
        json={"title": "Shift change", "body": "See the board"},
        headers=admin.headers,
    )
    client.post(f"{API}/auth/password-reset", json={"email": person.email})
    client.patch(
        f"{API}/me", json={"email": "zelda.new@example.test"}, headers=login.headers
    )
    response = client.post(
        f"{API}/me/deletion",
        json={"password": PASSWORD},
        headers=login.headers,
        environ_overrides={"REMOTE_ADDR": ip},
    )
    assert response.status_code == 202
    delivered(mailbox, send_mail, person.email)
    needles = ("Zelda", "Quartzfield", "zelda.quartz", "zelda.new", ip)
    assert traces(app, *needles)  # the footprint is there before

    clock.advance(timedelta(days=29))
    purge(runner)
    assert user_row(app, person.id).erased_at is None  # still in the grace
    clock.advance(timedelta(days=2))
    output = purge(runner)

    assert "people erased after their deletion grace: 1" in output
    assert traces(app, *needles) == {}
    row = user_row(app, person.id)
    assert row.erased_at is not None and row.status == "deactivated"
    with app.app_context():
        kept = db.session().scalar(
            select(func.count())
            .select_from(Prospect)
            .where(Prospect.created_by == person.id, Prospect.name == "Harbour Bakery")
        )
    assert kept == 1
    admin = factory.login(company.admin, device_id=admin.device_id)
    reactivate = client.post(
        f"{API}/admin/users/{person.id}/reactivate", headers=admin.headers
    )
    assert_error(reactivate, 409, "account_erased")
