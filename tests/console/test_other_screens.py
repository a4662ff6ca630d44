"""The audit trail, client settings and the operator's screen in the browser."""

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from models import Client
from opsx_api import db
from tests.console.kit import password_login

ROWS = (By.CSS_SELECTOR, "#audit-list tbody tr")


def test_audit_trail_filters_by_action_and_pages(factory, console, client):
    company = factory.make_client()
    admin = factory.admin_of(company)
    phone = factory.login(admin, device_id="admin-phone")
    for n in range(27):
        user = factory.make_user(company, name=f"Temp {n}")
        client.post(f"/api/v1/admin/users/{user.id}/deactivate", headers=phone.headers)
    client.post("/api/v1/auth/logout", headers=phone.headers)
    console.sign_in(admin.email)
    console.wait("#users-list")
    console.go("#/audit")

    console.fill("#audit-filters", Action="user.deactivated")
    console.click("Filter", "#audit-filters")
    console.wait("#audit-list tbody tr", "user.deactivated")
    rows = console.driver.find_elements(*ROWS)
    assert len(rows) == 25
    assert all("user.deactivated" in row.text for row in rows)
    console.click("Next page", "#audit-list")
    WebDriverWait(console.driver, 10).until(lambda d: len(d.find_elements(*ROWS)) == 2)
    assert console.button("Previous page", "#audit-list").is_enabled()
    assert not console.button("Next page", "#audit-list").is_enabled()

    console.fill("#audit-filters", Action="", Actor_id="not-an-id")
    console.click("Filter", "#audit-filters")
    alert = console.wait("#audit-message [role=alert]", "Please check the form.")
    assert "actor id" in alert.text


def test_admin_changes_the_device_policy(factory, console, app):
    company = factory.make_client(policy="reject")
    console.sign_in(factory.admin_of(company).email)
    console.wait("#users-list")
    console.go("#/settings")

    console.fill("#settings-form", When_someone_signs_in="replace")
    console.click("Save", "#settings-form")

    console.wait("#settings-message .ok", "the device policy is now “replace”")
    with app.app_context():
        assert db.session().get(Client, company.id).device_policy == "replace"


def test_operator_creates_a_client_whose_admin_signs_in(factory, console, client):
    operator = factory.make_user(None, role="operator", name="Olive Operator")
    console.sign_in(operator.email)
    console.wait("main h1", "Client companies")

    console.fill(
        "#client-form",
        Company_name="Brand New Co",
        First_admin_s_email="boss@brandnew.test",
        First_admin_s_name="Bo Boss",
        First_admin_s_password="a-long-first-admin-password",
    )
    console.click("Create", "#client-form")

    console.wait("#operator-message .ok", "Brand New Co was created")
    console.wait("main table", "Brand New Co")
    login = password_login(client, "boss@brandnew.test", "a-long-first-admin-password")
    assert login.status_code == 200
    assert login.get_json()["user"]["role"] == "admin"
