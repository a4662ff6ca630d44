"""Support staff accounts are created by an operator on the command line."""

from sqlalchemy import select

from models import User
from opsx_api import db
from tests.factories import PASSWORD
from tests.support.kit import API


def _create(runner, *args):
    return runner.invoke(
        args=["admin", "create-user", *args, "--password-stdin"], input=PASSWORD + "\n"
    )


def test_operator_creates_a_support_staff_account(app, runner, factory, client):
    result = _create(
        runner, "Helper@Example.test", "--role", "support", "--name", "Hel"
    )
    assert result.exit_code == 0, result.output
    assert "(support)" in result.output
    with app.app_context():
        staff = db.session().scalar(
            select(User).where(User.email == "helper@example.test")
        )
    assert (staff.role, staff.client_id, staff.status) == ("support", None, "active")
    login = factory.login(staff)
    assert client.get(f"{API}/support/grants", headers=login.headers).status_code == 200
    assert client.get(f"{API}/admin/users", headers=login.headers).status_code == 403


def test_support_staff_belong_to_no_client(factory, kit, runner):
    company = factory.company()
    result = _create(
        runner,
        "helper@example.test",
        "--role",
        "support",
        "--client",
        str(company.client.id),
    )
    assert result.exit_code != 0
    assert "--client" in result.output
    assert "Traceback" not in result.output


def test_support_account_email_must_be_free(factory, kit, runner):
    company = factory.company()
    result = _create(runner, company.admin.email, "--role", "support")
    assert result.exit_code == 1
    assert "email_taken" in result.output
