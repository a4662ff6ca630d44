"""The users screen: list, search, filter, create, invite, edit."""

from selenium.webdriver.common.by import By
from sqlalchemy import select

from models import Email, User
from opsx_api import db
from tests.console.kit import password_login


def test_admin_creates_a_user_who_can_then_sign_in(factory, console, client):
    company = factory.make_client()
    console.sign_in(factory.admin_of(company).email)
    console.wait("#users-list")

    console.fill(
        "#create-user",
        Email="ada@field.test",
        Name="Ada Field",
        Role="member",
        Password="a-long-enough-field-password",
    )
    console.click("Create", "#create-user")

    console.wait("#users-message .ok", "Ada Field can now sign in.")
    row = console.wait("#users-list tr", "ada@field.test")
    assert "member" in row.text and "active" in row.text
    login = password_login(client, "ada@field.test", "a-long-enough-field-password")
    assert login.status_code == 200


def test_admin_invites_a_user_without_a_password(factory, console, app):
    company = factory.make_client()
    console.sign_in(factory.admin_of(company).email)
    console.wait("#users-list")

    console.fill("#create-user", Email="new@field.test", Name="New Hire")
    console.click("Create", "#create-user")

    console.wait("#users-message .ok", "Invitation sent to new@field.test.")
    assert "invited" in console.wait("#users-list tr", "new@field.test").text
    with app.app_context():
        user = db.session().scalar(select(User).where(User.email == "new@field.test"))
        assert user.status == "invited"
        sent = db.session().scalars(select(Email.to_address)).all()
        assert "new@field.test" in sent


def test_search_and_status_filter_and_the_screenshot(factory, console, client):
    company = factory.make_client()
    admin = factory.admin_of(company)
    for name in ("Grace Hopper", "Alan Turing", "Edsger Dijkstra"):
        factory.make_user(company, name=name)
    leaver = factory.make_user(company, name="Ken Leaver")
    admin_login = factory.login(admin, device_id="admin-phone")
    client.post(
        f"/api/v1/admin/users/{leaver.id}/deactivate", headers=admin_login.headers
    )
    client.post("/api/v1/auth/logout", headers=admin_login.headers)
    console.sign_in(admin.email)
    console.wait("#users-list", "Grace Hopper")
    console.screenshot("console-users.png")

    console.fill("#user-filters", Search_name_or_email="turing")
    console.click("Search", "#user-filters")
    console.wait("#users-list", "Alan Turing")
    rows = console.driver.find_elements(By.CSS_SELECTOR, "#users-list tbody tr")
    assert len(rows) == 1 and "Alan Turing" in rows[0].text

    console.fill("#user-filters", Search_name_or_email="", Status="deactivated")
    console.click("Search", "#user-filters")
    console.wait("#users-list", "Ken Leaver")
    rows = console.driver.find_elements(By.CSS_SELECTOR, "#users-list tbody tr")
    assert len(rows) == 1 and "Ken Leaver" in rows[0].text


def test_admin_renames_a_user_and_changes_the_role(factory, console, app):
    company = factory.make_client()
    user = factory.make_user(company, name="Old Name")
    console.sign_in(factory.admin_of(company).email)
    console.wait("#users-list")
    console.go(f"#/users/{user.id}")

    console.fill("#edit-user", Name="New Name", Role="admin")
    console.click("Save", "#edit-user")

    console.wait("#user-message .ok", "Saved.")
    console.wait("h1", "New Name")
    with app.app_context():
        saved = db.session().get(User, user.id)
        assert (saved.name, saved.role) == ("New Name", "admin")


def test_admin_emails_a_reset_link_and_resends_an_invitation(factory, console, app):
    company = factory.make_client()
    active = factory.make_user(company, name="Forgetful")
    console.sign_in(factory.admin_of(company).email)
    console.wait("#users-list")
    console.fill("#create-user", Email="late@field.test", Name="Late Joiner")
    console.click("Create", "#create-user")
    console.wait("#users-message .ok", "Invitation sent")

    console.go(f"#/users/{active.id}")
    console.click("Email a password-reset link")
    console.wait("#user-message .ok", f"A reset link was sent to {active.email}.")
    console.go("#/users")
    # The list is drawn after its request answers: wait for it, not only the route.
    console.wait("#users-list a", "Late Joiner").click()
    console.click("Send the invitation again")
    console.wait("#user-message .ok", "Invitation sent to late@field.test.")

    with app.app_context():
        sent = db.session().execute(select(Email.to_address, Email.kind)).all()
    assert [k for a, k in sent if a == "late@field.test"] == ["invitation"] * 2
    assert [k for a, k in sent if a == active.email] == ["password_reset"]
