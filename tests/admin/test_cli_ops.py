"""`flask admin` as an operator's tool: look-ups, --json, confirmations (CLI runner)."""

import json

import pytest
from sqlalchemy import select

from models import User
from opsx_api import db

PW = "northern-lights-password-9\n"


def run(runner, *args, input=None):
    return runner.invoke(args=["admin", *args], input=input)


def as_json(result):
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def status_of(app, email) -> str:
    with app.app_context():
        return db.session().scalar(select(User.status).where(User.email == email))


@pytest.fixture
def acme(factory):
    company = factory.make_client(name="Acme Field")  # a name to look up
    return company, factory.make_user(company, name="Mia Member")


def test_list_clients_as_text_and_json(runner, acme):
    company, _ = acme
    text = run(runner, "list-clients")
    assert text.exit_code == 0 and "Acme Field" in text.output
    assert text.output.splitlines()[0].split() == [
        "id",
        "name",
        "device_policy",
        "created_at",
    ]
    rows = as_json(run(runner, "list-clients", "--json"))
    assert [(r["id"], r["name"]) for r in rows] == [(str(company.id), "Acme Field")]


def test_list_users_by_client_name_in_any_case_and_status(runner, factory, acme):
    company, member = acme
    other = factory.make_user(factory.make_client(name="Other Co"))
    admin = factory.admin_of(company)
    everyone = {r["email"] for r in as_json(run(runner, "list-users", "--json"))}
    assert {member.email, other.email, admin.email} <= everyone
    mine = as_json(run(runner, "list-users", "--client", "aCME fIELD", "--json"))
    assert {r["email"] for r in mine} == {member.email, admin.email}
    assert mine[0]["client"] == {"id": str(company.id), "name": "Acme Field"}
    run(runner, "deactivate-user", member.email, "--yes")
    gone = run(
        runner, "list-users", "--client", "acme field", "--status", "deactivated"
    )
    assert gone.exit_code == 0 and member.email in gone.output
    assert admin.email not in gone.output
    missing = run(runner, "list-users", "--client", "Nobody Inc")
    assert missing.exit_code == 1 and "no client 'Nobody Inc'" in missing.output


def test_show_user_with_sessions(runner, factory, acme):
    _, member = acme
    factory.login(member, device_id="phone-1")
    shown = as_json(run(runner, "show-user", member.email.upper(), "--json"))
    assert shown["email"] == member.email and shown["name"] == "Mia Member"
    assert [(s["device"]["id"], s["live"]) for s in shown["sessions"]] == [
        ("phone-1", True)
    ]
    text = run(runner, "show-user", member.email)
    assert "client: Acme Field" in text.output and "live" in text.output
    assert run(runner, "show-user", "ghost@example.test").exit_code == 1


def test_deactivate_then_already_deactivated_then_reactivate(runner, app, acme):
    _, member = acme
    receipt = as_json(run(runner, "deactivate-user", member.email, "--yes", "--json"))
    assert receipt["user_id"] == str(member.id)
    again = run(runner, "deactivate-user", member.email, "--yes")
    assert again.exit_code == 0
    assert f"{member.email} is already deactivated" in again.output
    assert as_json(run(runner, "deactivate-user", member.email, "--json"))[
        "already_deactivated"
    ]
    back = as_json(run(runner, "reactivate-user", member.email, "--json"))
    assert back["status"] == "active" == status_of(app, member.email)
    twice = run(runner, "reactivate-user", member.email)
    assert twice.exit_code == 0 and "is not deactivated (active)" in twice.output


def test_update_user_name_and_role(runner, acme):
    _, member = acme
    updated = as_json(
        run(
            runner,
            "update-user",
            member.email,
            "--name",
            "Mia M",
            "--role",
            "admin",
            "--json",
        )
    )
    assert (updated["name"], updated["role"]) == ("Mia M", "admin")
    assert run(runner, "update-user", member.email).exit_code == 2
    blank = run(runner, "update-user", member.email, "--name", "   ")
    assert blank.exit_code == 1 and "name" in blank.output


@pytest.mark.parametrize(
    "command",
    [["deactivate-user", "{email}"], ["revoke-tokens", "{email}"], ["purge"]],
)
def test_destructive_commands_refuse_without_yes_when_not_interactive(
    runner, app, factory, acme, command
):
    _, member = acme
    login = factory.login(member)
    args = [a.format(email=member.email) for a in command]
    result = run(runner, *args)
    assert result.exit_code == 1
    assert "Not interactive: refusing without --yes." in result.output
    assert "Traceback" not in result.output
    assert status_of(app, member.email) == "active"
    assert factory.client.get("/api/v1/me", headers=login.headers).status_code == 200
    assert run(runner, *args, "--yes").exit_code == 0


def test_destructive_commands_ask_when_interactive(runner, app, acme, monkeypatch):
    _, member = acme
    monkeypatch.setattr("admin.command.interactive", lambda: True)
    declined = run(runner, "deactivate-user", member.email, input="n\n")
    assert declined.exit_code == 1 and "Deactivate" in declined.output
    assert status_of(app, member.email) == "active"
    accepted = run(runner, "deactivate-user", member.email, input="y\n")
    assert accepted.exit_code == 0, accepted.output
    assert status_of(app, member.email) == "deactivated"
    assert run(runner, "purge", input="y\n").exit_code == 0
    assert run(runner, "purge", "--dry-run").exit_code == 0  # asks nothing


def test_client_names_are_unique_ignoring_case(runner, acme):
    result = run(
        runner,
        "create-client",
        "ACME FIELD",
        "--admin-email",
        "boss@acme2.test",
        "--admin-name",
        "Boss",
        "--password-stdin",
        input=PW,
    )
    assert result.exit_code == 1 and "client_name_taken" in result.output
    created = run(
        runner,
        "create-client",
        "Acme Fields",
        "--admin-email",
        "boss@acme2.test",
        "--admin-name",
        "Boss",
        "--password-stdin",
        "--json",
        input=PW,
    )
    assert as_json(created)["name"] == "Acme Fields"


def test_every_command_that_prints_data_has_json_that_parses(runner, acme, tmp_path):
    _, member = acme
    body = tmp_path / "body.txt"
    body.write_text("Hello.\n\nA second paragraph.\n")
    invocations = [
        ["create-user", "j@acme.test", "--role", "member", "--client", "acme field"],
        ["list-clients"],
        ["list-users"],
        ["show-user", member.email],
        ["update-user", member.email, "--name", "Json"],
        ["revoke-tokens", member.email, "--yes"],
        ["deactivate-user", member.email, "--yes"],
        ["reactivate-user", member.email],
        ["purge", "--dry-run"],
        ["purge", "--yes"],
        ["stats"],
        ["send-newsletter", "--subject", "News", "--body-file", str(body)],
        ["announce", "--subject", "Notice", "--body-file", str(body)],
    ]
    for args in invocations:
        as_json(run(runner, *args, "--json"))


def test_the_database_refuses_a_name_differing_only_in_case(app, acme):
    """The unique index on lower(name) holds even past the service's check."""
    import uuid

    from sqlalchemy.exc import IntegrityError

    from models import Client
    from opsx_api.clock import utcnow

    with app.app_context(), pytest.raises(IntegrityError):
        now = utcnow()
        db.session().add(
            Client(id=uuid.uuid4(), name="ACME field", created_at=now, updated_at=now)
        )
        db.session().flush()
