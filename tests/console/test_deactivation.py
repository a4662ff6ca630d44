"""Deactivation from the console: confirmation, receipt, and the phone is cut off."""

from opsx_api import db
from opsx_api.services import outbox


def test_deactivation_shows_the_receipt_and_the_phone_gets_401(
    factory, console, client, app, emulator
):
    # FCM refuses the first send and the retry waits: the push is still queued
    emulator.script("leaver-phone", [{"status": 503}] * 5)
    company = factory.make_client()
    user = factory.make_user(company, name="Leaving Soon")
    phone = factory.login(user, push_token="leaver-phone")
    with app.app_context():
        outbox.notify_user(db.session().merge(user), "broadcast", title="t", body="b")
        db.session().commit()
    assert client.get("/api/v1/me", headers=phone.headers).status_code == 200
    console.sign_in(factory.admin_of(company).email)
    console.wait("#users-list", "Leaving Soon")
    console.driver.find_element("link text", "Leaving Soon").click()

    console.fill("#deactivation", Reason="left the company")
    console.click("Deactivate…", "#deactivation")
    console.wait("#deactivation [role=alert]", "Deactivate Leaving Soon?")
    assert client.get("/api/v1/me", headers=phone.headers).status_code == 200
    console.click("Yes, deactivate", "#deactivation")

    receipt = console.wait("#receipt", "Leaving Soon is deactivated: receipt")
    assert console.wait("#sessions-revoked").text == "1"
    assert console.wait("#push-tokens-removed").text == "1"
    assert console.wait("#pushes-cancelled").text == "1"
    assert console.wait("#user-status").text == "deactivated"
    assert "null" not in console.text()
    console.screenshot("console-deactivation-receipt.png")
    assert receipt.is_displayed()
    me = client.get("/api/v1/me", headers=phone.headers)
    assert me.status_code == 401
    assert me.get_json()["error"]["code"] == "invalid_token"


def test_cancel_keeps_the_user_and_reactivate_lets_them_back(factory, console, client):
    company = factory.make_client()
    user = factory.make_user(company, name="Kept On")
    phone = factory.login(user)
    console.sign_in(factory.admin_of(company).email)
    console.wait("#users-list")
    console.go(f"#/users/{user.id}")

    console.click("Deactivate…", "#deactivation")
    console.click("Cancel", "#deactivation")
    console.button("Deactivate…", "#deactivation")
    assert client.get("/api/v1/me", headers=phone.headers).status_code == 200

    console.click("Deactivate…", "#deactivation")
    console.click("Yes, deactivate", "#deactivation")
    console.wait("#receipt")
    console.click("Reactivate")
    console.wait("#user-message .ok", "Kept On can sign in again.")
    assert console.wait("#user-status").text == "active"
    factory.login(user, device_id="new-phone")
