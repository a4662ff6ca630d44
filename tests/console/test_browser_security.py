"""In the browser: a name cannot become markup, the CSP holds, a tablet fits."""

# each screen, and what shows once its data has loaded
SCREENS = {
    "#/users": "#users-list tbody tr",
    "#/audit": "#audit-list tbody tr",
    "#/grants": "#grants-list tbody tr",
    "#/broadcasts": "#broadcast-form",
    "#/prospects": "#prospects-list p",
    "#/settings": "#settings-form",
}
ATTACK = '<img src=x onerror="window.__pwned=1">'


def test_a_hostile_user_name_is_shown_as_text_and_never_runs(factory, console):
    company = factory.make_client()
    factory.make_user(company, name=ATTACK)
    console.sign_in(factory.admin_of(company).email)

    console.wait("#users-list", ATTACK)
    console.driver.find_element("link text", ATTACK).click()
    console.wait("h1", ATTACK)
    assert console.driver.execute_script("return window.__pwned === undefined")
    assert not console.driver.find_elements("css selector", "main img")


UNLABELLED = """
return [...document.querySelectorAll('input, select, textarea, button')]
  .filter((c) => !(c.labels && c.labels.length) && !c.getAttribute('aria-label')
    && !(c.tagName === 'BUTTON' && c.textContent.trim()))
  .map((c) => c.outerHTML);
"""


def test_every_screen_loads_under_the_csp_with_every_control_labelled(
    factory, console, client
):
    company = factory.company()
    client.post(
        "/api/v1/admin/support-grants",
        json={"scope": "read", "reason": "r", "duration_hours": 1},
        headers=company.headers,
    )
    client.post("/api/v1/auth/logout", headers=company.headers)
    console.sign_in(company.admin.email)
    console.wait("#users-list")
    console.driver.get_log("browser")  # start from an empty log

    for screen, loaded in SCREENS.items():
        console.go(screen)
        console.wait(loaded)
        console.wait(f"nav a[aria-current=page][href='{screen}']")
        assert console.driver.execute_script(UNLABELLED) == [], screen

    problems = [
        entry["message"]
        for entry in console.driver.get_log("browser")
        if entry["level"] == "SEVERE" or "Content Security Policy" in entry["message"]
    ]
    assert problems == []
    ran = console.driver.execute_script(
        "const s = document.createElement('script');"
        "s.textContent = 'window.__inline = true'; document.body.append(s);"
        "return window.__inline === true;"
    )
    assert ran is False  # an injected inline script is refused by the CSP


def test_users_screen_fits_a_tablet_without_sideways_scrolling(factory, console):
    company = factory.make_client()
    console.sign_in(factory.admin_of(company).email)
    console.wait("#users-list")
    console.driver.set_window_size(768, 1024)
    try:
        console.go("#/users")
        console.wait("#create-user")
        overflow = console.driver.execute_script(
            "return document.documentElement.scrollWidth - window.innerWidth"
        )
        assert overflow <= 0
    finally:
        console.driver.set_window_size(1280, 900)
