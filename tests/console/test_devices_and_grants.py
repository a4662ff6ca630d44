"""A user's device and its release; support grants granted, extended, revoked."""

from sqlalchemy import select

from models import SupportGrant
from opsx_api import db
from tests.support.kit import SupportKit


def test_admin_releases_a_device_and_the_user_signs_in_elsewhere(
    factory, console, client
):
    company = factory.make_client(policy="reject")
    user = factory.make_user(company, name="Lost Phone")
    phone = factory.login(user, device_id="lost-phone")
    factory.login(user, device_id="new-phone", expect=409)
    console.sign_in(factory.admin_of(company).email)
    console.wait("#users-list")
    console.go(f"#/users/{user.id}")
    console.wait("#devices", "Test phone (android)")

    console.click("Release this device", "#devices")

    console.wait("#user-message .ok", "Released Test phone")
    console.wait("#no-device", "No device is signed in.")
    assert client.get("/api/v1/me", headers=phone.headers).status_code == 401
    factory.login(user, device_id="new-phone")


def test_admin_grants_extends_and_revokes_support_access(factory, console, app):
    company = factory.make_client()
    console.sign_in(factory.admin_of(company).email)
    console.wait("#users-list")
    console.go("#/grants")

    console.fill("#grant-form", Scope="write", Reason="Ticket 4242", Hours="2")
    console.click("Grant", "#grant-form")

    console.wait("#grants-message .ok", "Support may enter (write)")
    row = console.wait("#grants-list tbody tr", "Ticket 4242")
    assert "write" in row.text and "live" in row.text
    with app.app_context():
        grant = db.session().scalars(select(SupportGrant)).one()
        first_expiry = grant.expires_at
    console.click("Who is in now?", "#grants-list")
    console.wait("#grants-list .who", "Nobody is in a session now.")

    hours = console.wait("#grants-list input[aria-label='Hours from now']")
    hours.clear()
    hours.send_keys("48")
    console.click("Extend", "#grants-list")
    console.wait("#grants-message .ok", "Extended until")
    with app.app_context():
        grant = db.session().scalars(select(SupportGrant)).one()
        assert (grant.expires_at - first_expiry).total_seconds() > 40 * 3600

    kit = SupportKit(app, factory, factory.client)
    kit.open(kit.staff("Sam Supporter"), str(grant.id))
    console.click("Who is in now?", "#grants-list")
    console.wait("#grants-list .who", "In a session now: Sam Supporter.")

    console.click("Revoke", "#grants-list")
    console.wait("#grants-message .ok", "Revoked")
    assert "revoked" in console.wait("#grants-list tbody tr", "Ticket 4242").text
