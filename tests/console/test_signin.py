"""Signing in to the console is a login on a `web` device."""

from datetime import timedelta

from sqlalchemy import select

from models import DeviceSession
from opsx_api import clock, db


def test_admin_signs_in_on_a_web_device_and_sign_out_ends_the_session(
    factory, console, app
):
    company = factory.make_client()
    admin = factory.admin_of(company)

    console.sign_in(admin.email)

    console.wait("h1", "Users")
    console.wait("#users-list", admin.email)
    with app.app_context():
        [row] = db.session().scalars(select(DeviceSession)).all()
        assert (row.platform, row.revoked_at) == ("web", None)
        assert row.device_name.startswith("Web console")
    console.click("Sign out", "header")
    console.wait("#signin")
    with app.app_context():
        row = db.session().scalars(select(DeviceSession)).one()
        assert row.revoked_at is not None


def test_device_conflict_is_a_sentence_naming_the_other_device(factory, console):
    company = factory.make_client(policy="reject")
    admin = factory.admin_of(company)
    factory.login(admin, device_id="phone-1")  # the factory names it "Test phone"

    console.sign_in(admin.email)

    alert = console.wait("#signin-message [role=alert]", "Test phone")
    assert "already signed in on another device: Test phone (android)" in alert.text
    assert "{" not in alert.text


def test_wrong_password_is_a_sentence(factory, console):
    admin = factory.admin_of(factory.make_client())
    console.sign_in(admin.email, password="not-the-password-at-all")
    alert = console.wait("#signin-message [role=alert]")
    assert alert.text == "The email or password is not right."


def test_an_expired_access_token_is_refreshed_without_signing_in_again(
    factory, console, app
):
    company = factory.make_client()
    console.sign_in(factory.admin_of(company).email)
    console.wait("#users-list")
    with app.app_context():
        first = db.session().scalars(select(DeviceSession)).one().refresh_token_hash

    clock.advance(timedelta(minutes=20))  # past the 15-minute access token
    console.go("#/settings")

    console.wait("#settings-form", company.name)
    with app.app_context():
        row = db.session().scalars(select(DeviceSession)).one()
        assert row.revoked_at is None and row.refresh_token_hash != first


def test_a_member_sees_only_the_prospects(factory, console):
    member = factory.make_user(factory.make_client(), name="Field Member")
    console.sign_in(member.email)
    console.wait("main h1", "Prospects")
    assert console.wait("#nav").text == "Prospects"
