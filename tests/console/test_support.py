"""Support staff in the console: the banner, and nothing writes under a read grant."""

from selenium.webdriver.common.by import By
from sqlalchemy import func, select

from models import Notification, User
from opsx_api import db
from tests.support.kit import SupportKit

SCREENS = ("#/users", "#/broadcasts", "#/prospects", "#/settings")


def enter(factory, console, company, scope: str) -> None:
    """A grant of `company` (its admin on the phone), then support enters it."""
    SupportKit(factory.app, factory, factory.client).grant(company, scope)
    staff = factory.make_user(None, role="support", name="Sam Support")
    console.sign_in(staff.email)
    console.click(f"Enter {company.client.name}", "main")
    console.wait("#users-list")


def force(console, css: str) -> None:
    """What a curious user could do in the developer tools: enable and click."""
    element = console.wait(css)
    console.driver.execute_script("arguments[0].disabled = false", element)
    element.click()


def test_read_grant_shows_the_banner_and_no_write_control_works(factory, console, app):
    company = factory.company()
    user = factory.make_user(company.client, name="Still Here")

    enter(factory, console, company, "read")

    banner = console.wait("#banner", company.client.name)
    assert "read-only access (a read grant) until" in banner.text
    nav = console.wait("#nav").text
    assert "Users" in nav and "Audit trail" not in nav and "Support access" not in nav
    for screen in SCREENS:
        console.go(screen)
        console.wait("main h1")
        console.wait("main [data-write]")
        controls = console.driver.find_elements(By.CSS_SELECTOR, "[data-write]")
        assert controls and not [c.text for c in controls if c.is_enabled()], screen
    console.go(f"#/users/{user.id}")
    console.wait("#deactivation")
    controls = console.driver.find_elements(By.CSS_SELECTOR, "[data-write]")
    assert controls and not [c.text for c in controls if c.is_enabled()]

    force(console, "#deactivate")
    force(console, "#confirm-deactivate")
    alert = console.wait("#user-message [role=alert]", "not allowed")
    assert alert.text.endswith("A support session can only read this.")
    console.go("#/broadcasts")
    console.fill("#broadcast-form", Title="From support", Message="x")
    force(console, "#broadcast-form [data-write]")
    console.wait("#broadcast-message [role=alert]", "not allowed")
    with app.app_context():
        assert db.session().get(User, user.id).status == "active"
        broadcasts = select(func.count()).where(Notification.kind == "broadcast")
        assert db.session().scalar(broadcasts) == 0


def test_write_grant_lets_support_broadcast_but_not_manage_identities(
    factory, console, emulator
):
    company = factory.company()  # the admin's phone has no push token
    user = factory.make_user(company.client, name="Not Via Support")
    factory.login(user, push_token="writable-phone")

    enter(factory, console, company, "write")

    assert "read and write access (a write grant)" in console.wait("#banner").text
    assert not console.button("Create", "#create-user").is_enabled()
    console.go(f"#/users/{user.id}")
    assert not console.button("Deactivate…", "#deactivation").is_enabled()
    console.go("#/broadcasts")
    console.fill("#broadcast-form", Title="From support", Message="Update the app")
    console.click("Send to everyone", "#broadcast-form")
    console.wait("#broadcast-state", "Done: 1 of 1")
    assert [m["token"] for m in emulator.messages] == ["writable-phone"]

    console.click("Leave support session", "header")
    console.wait("main h1", "Support")
    assert not console.driver.find_element(By.ID, "banner").is_displayed()


def test_a_revoked_grant_ends_the_support_session_with_a_sentence(factory, console):
    company = factory.company()
    enter(factory, console, company, "read")
    [grant] = factory.client.get(
        "/api/v1/admin/support-grants", headers=company.headers
    ).get_json()["data"]
    revoked = factory.client.delete(
        f"/api/v1/admin/support-grants/{grant['id']}", headers=company.headers
    )
    assert revoked.status_code == 204

    console.go("#/prospects")

    alert = console.wait("main [role=alert]", "The support session has ended")
    assert "revoked" in alert.text
    console.wait("main h1", "Support")
    assert not console.driver.find_element(By.ID, "banner").is_displayed()
    assert "Sam Support" in console.wait("#who").text  # still signed in as staff
