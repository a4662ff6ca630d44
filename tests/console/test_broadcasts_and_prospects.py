"""Broadcasts delivered through the FCM emulator; prospects imported and exported."""

import time

from selenium.webdriver.common.by import By


def test_broadcast_counts_update_until_the_emulator_has_delivered_it(
    factory, console, emulator
):
    company = factory.make_client()
    for n in range(3):
        factory.login(factory.make_user(company), push_token=f"field-phone-{n}")
    console.sign_in(factory.admin_of(company).email)
    console.wait("#users-list")
    console.go("#/broadcasts")

    console.fill("#broadcast-form", Title="All hands", Message="Friday at 9")
    console.click("Send to everyone", "#broadcast-form")

    console.wait("#broadcast-message .ok", "Queued for 4 people (3 phones).")
    done = console.wait("#broadcast-state", "Done:")
    assert done.text.startswith("Done: 3 of 3 pushes delivered")
    assert console.wait("[data-count=sent]").text == "3"
    assert console.wait("[data-count=queued]").text == "0"
    delivered = {
        m["token"]
        for m in emulator.messages
        if m["message"]["notification"]["title"] == "All hands"
    }
    assert delivered == {"field-phone-0", "field-phone-1", "field-phone-2"}


CSV = (
    "name,phone,email,status\n"
    "Ada Prospect,+44 20 7946 0000,ada@prospect.test,new\n"
    "Bad Status,,bad@prospect.test,not-a-status\n"
    "Bob Prospect,,bob@prospect.test,contacted\n"
)


def test_import_shows_the_bad_rows_error_then_search_open_and_export(
    factory, console, tmp_path
):
    company = factory.make_client()
    console.sign_in(factory.admin_of(company).email)
    console.wait("#users-list")
    console.go("#/prospects")
    console.wait("#prospects-list", "No prospect matches.")
    upload = tmp_path / "prospects.csv"
    upload.write_text(CSV)

    console.field("CSV file", "#import-form").send_keys(str(upload))
    console.click("Import", "#import-form")

    summary = console.wait("#import-result [role=status]", "Created 2")
    assert "1 row(s) refused" in summary.text
    [refused] = console.driver.find_elements(By.CSS_SELECTOR, "#import-result tbody tr")
    assert refused.text.startswith("3 status:")  # line 3 of the file
    console.wait("#prospects-list", "Bob Prospect")

    console.fill("#prospect-filters", Search_name="ada@")
    console.click("Search", "#prospect-filters")
    console.wait("#prospects-list", "Ada Prospect")
    rows = console.driver.find_elements(By.CSS_SELECTOR, "#prospects-list tbody tr")
    assert len(rows) == 1
    console.driver.find_element(By.LINK_TEXT, "Ada Prospect").click()
    console.wait("h1", "Ada Prospect")
    console.wait("main table", "+44 20 7946 0000")

    console.go("#/prospects")
    downloads = tmp_path / "downloads"
    console.driver.execute_cdp_cmd(
        "Page.setDownloadBehavior",
        {"behavior": "allow", "downloadPath": str(downloads)},
    )
    console.click("Export CSV", "#prospect-filters")
    console.wait("#prospects-message .ok", "The export was downloaded.")
    deadline = time.monotonic() + 10
    while not list(downloads.glob("prospects-*.csv")) and time.monotonic() < deadline:
        time.sleep(0.1)
    [exported] = downloads.glob("prospects-*.csv")
    text = exported.read_text()
    assert "Ada Prospect" in text and "Bob Prospect" in text
    assert "Bad Status" not in text


def test_admin_adds_a_note_to_a_prospect(factory, console, client):
    company = factory.company()
    made = client.post(
        "/api/v1/prospects", json={"name": "Noted Prospect"}, headers=company.headers
    )
    prospect = made.get_json()
    client.post("/api/v1/auth/logout", headers=company.headers)
    console.sign_in(company.admin.email)
    console.wait("#users-list")
    console.go(f"#/prospects/{prospect['id']}")
    console.wait("main", "No note yet.")

    console.fill(New_note="Called, will call back on Monday")
    console.click("Add note")

    console.wait("main table", "Called, will call back on Monday")
    console.click("Sign out", "header")  # one device: the phone may sign in again
    console.wait("#signin")
    again = factory.login(company.admin, device_id="admin-phone-again")
    notes = client.get(
        f"/api/v1/prospects/{prospect['id']}/notes", headers=again.headers
    ).get_json()["data"]
    assert [n["body"] for n in notes] == ["Called, will call back on Monday"]
