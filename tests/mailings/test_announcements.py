"""Announcements: the operator emails every active user through the outbox."""

from sqlalchemy import func, select

from models import User
from opsx_api import db
from tests.accounts.helpers import deactivate
from tests.factories import assert_error
from tests.mailings.helpers import API


def active_users(app) -> int:
    with app.app_context():
        stmt = select(func.count()).where(User.status == "active")
        return db.session().scalar(stmt)


def test_the_cli_announces_a_policy_change_to_every_active_user(
    factory, client, app, runner, tmp_path, mailbox, send_mail
):
    company = factory.make_client()
    admin = factory.login(factory.admin_of(company))
    staying = factory.make_user(company, email="staying@example.test")
    gone = factory.make_user(company, email="gone@example.test")
    assert deactivate(client, admin, gone.id).status_code == 200
    body = tmp_path / "policy.txt"
    body.write_text("Our privacy policy changes on 1 January.\n\nWhat changes: ...\n")
    result = runner.invoke(
        args=[
            "admin",
            "announce",
            "--subject",
            "Our privacy policy is changing",
            "--body-file",
            str(body),
        ]
    )
    assert result.exit_code == 0, result.output
    expected = active_users(app)
    assert expected >= 2
    assert f"queued {expected}/{expected}" in result.output
    assert f"announcement queued for {expected} users" in result.output
    send_mail()
    [message] = mailbox.to(staying.email)
    assert message["Subject"] == "Our privacy policy is changing"
    assert "changes on 1 January" in mailbox.text(message)
    assert message["List-Unsubscribe"] is None  # a notice, not the newsletter
    assert mailbox.to(gone.email) == []
    assert len(mailbox.messages) == expected


def test_the_operator_endpoint_announces_and_others_cannot(factory, client, app):
    member = factory.company(members=1).member_login
    operator = factory.login(factory.make_user(None, "operator"))
    body = {"subject": "Policy change", "body": "It changes."}
    response = client.post(
        f"{API}/operator/announcements", json=body, headers=operator.headers
    )
    assert response.status_code == 202
    assert response.get_json() == {"queued": active_users(app)}
    forbidden = client.post(
        f"{API}/operator/announcements", json=body, headers=member.headers
    )
    assert_error(forbidden, 403, "forbidden")
    missing = client.post(
        f"{API}/operator/announcements", json={}, headers=operator.headers
    )
    assert_error(missing, 422, "validation_error")
    assert client.get("/api/v1/swagger.json").get_json()["paths"][
        "/operator/announcements"
    ]["post"]["responses"]["202"]
