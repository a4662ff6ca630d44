"""In the browser: a name cannot become markup, the CSP holds, a tablet fits."""

SCREENS = (
    "#/users",
    "#/audit",
    "#/grants",
    "#/broadcasts",
    "#/prospects",
    "#/settings",
)
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


def test_every_screen_loads_under_the_csp_without_a_violation(factory, console):
    company = factory.make_client()
    console.sign_in(factory.admin_of(company).email)
    console.wait("#users-list")
    console.driver.get_log("browser")  # start from an empty log

    for screen in SCREENS:
        console.go(screen)
        console.wait("main h1")
        console.wait(f"nav a[aria-current=page][href='{screen}']")

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
