"""`flask admin ...`: one-line errors, non-zero exits, the same services as the API."""

from sqlalchemy import select

from models import Client, User
from opsx_api import db


def test_create_client_with_password_on_stdin(runner, app):
    result = runner.invoke(
        args=[
            "admin",
            "create-client",
            "Field Masters",
            "--admin-email",
            "Owner@Field.test",
            "--admin-name",
            "Owner",
            "--password-stdin",
        ],
        input="northern-lights-password-9\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        client = db.session().scalar(
            select(Client).where(Client.name == "Field Masters")
        )
        admin = db.session().scalar(
            select(User).where(User.email == "owner@field.test")
        )
        assert admin.client_id == client.id and admin.role == "admin"


def test_create_client_prompts_for_password(runner):
    result = runner.invoke(
        args=[
            "admin",
            "create-client",
            "Prompted",
            "--admin-email",
            "p@x.test",
            "--admin-name",
            "P",
        ],
        input="prompted-password-long\nprompted-password-long\n",
    )
    assert result.exit_code == 0, result.output


def test_create_user_member_and_support(runner, factory, app):
    company = factory.make_client(name="Cli Co")
    member = runner.invoke(
        args=[
            "admin",
            "create-user",
            "m@cli.test",
            "--client",
            "Cli Co",
            "--role",
            "member",
            "--password-stdin",
        ],
        input="member-password-long-1\n",
    )
    assert member.exit_code == 0, member.output
    support = runner.invoke(
        args=[
            "admin",
            "create-user",
            "s@cli.test",
            "--role",
            "support",
            "--password-stdin",
        ],
        input="support-password-long-1\n",
    )
    assert support.exit_code == 0, support.output
    with app.app_context():
        rows = {u.email: u for u in db.session().scalars(select(User))}
        assert rows["m@cli.test"].client_id == company.id
        assert (
            rows["s@cli.test"].client_id is None
            and rows["s@cli.test"].role == "support"
        )


def test_bad_input_exits_non_zero_with_one_line(runner, factory):
    company = factory.make_client(name="Err Co")
    member = "admin create-user a@b.test --role member --password-stdin"
    cases = [
        (
            "admin create-user not-an-email --role member --client Err",
            "pw-long-12345\n",
        ),
        (member, "pw-long-enough-12345\n"),  # member without --client
        (f"{member} --client Nope", "pw-long-enough-12345\n"),
        (f"{member} --client {company.id}", "short\n"),
        ("admin deactivate-user ghost@example.test", None),
        ("admin revoke-tokens ghost@example.test", None),
        (
            "admin create-client X --admin-email x@x.test --admin-name X "
            "--password-stdin",
            "\n",
        ),
    ]
    for args, stdin in cases:
        result = runner.invoke(args=args.split(), input=stdin)
        assert result.exit_code != 0, args
        assert "Traceback" not in result.output
        lines = [line for line in result.output.strip().splitlines() if line.strip()]
        assert 1 <= len(lines) <= 3, result.output  # usage errors add a usage line


def test_duplicate_email_via_cli_is_a_one_line_error(runner, factory):
    user = factory.make_user(factory.make_client(name="Dup Co"))
    result = runner.invoke(
        args=[
            "admin",
            "create-user",
            user.email,
            "--role",
            "member",
            "--client",
            "Dup Co",
            "--password-stdin",
        ],
        input="another-long-password\n",
    )
    assert result.exit_code == 1
    assert "email_taken" in result.output


def test_seed_demo_is_idempotent(runner, app):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0 and "already" in second.output
    with app.app_context():
        emails = set(db.session().scalars(select(User.email)))
        assert {"admin@demo.opsx.test", "field@demo.opsx.test"} <= emails


def test_every_command_the_readme_names_exists(runner):
    """`flask x`, `flask admin a|b|c` in the README: each answers --help."""
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    named = set()
    for group, words in re.findall(r"`flask (admin|[a-z-]+)((?: [a-z|-]+)?)", readme):
        if group == "admin":
            named |= {("admin", w) for w in words.strip().split("|") if w}
        else:
            named.add((group,))
    assert ("admin", "purge") in named and ("worker",) in named
    for command in sorted(named):
        result = runner.invoke(args=[*command, "--help"])
        assert result.exit_code == 0, (command, result.output)
    # ... and the other way round: every `flask admin` command is in the list.
    from admin import admin_group

    assert {("admin", name) for name in admin_group.commands} <= named
