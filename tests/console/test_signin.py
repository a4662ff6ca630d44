"""Signing in to the console is a login on a `web` device."""

from sqlalchemy import select

from models import DeviceSession
from opsx_api import db


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
