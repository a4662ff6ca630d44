"""Driving the console like a person: by labels, buttons and visible text."""

from pathlib import Path

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.factories import PASSWORD

WAIT = 10
REDRAWN = (StaleElementReferenceException,)  # a screen redrew under the test


class Console:
    def __init__(self, driver: WebDriver, base: str, screenshots: Path):
        self.driver = driver
        self.base = base
        self.screenshots = screenshots

    def open(self, fragment: str = "") -> None:
        self.driver.get(f"{self.base}/console{fragment}")

    def go(self, fragment: str) -> None:
        self.driver.execute_script("location.hash = arguments[0]", fragment)

    def wait(self, css: str, text: str = "") -> WebElement:
        """The first visible element matching `css` whose text has `text`."""

        def found(driver):
            for element in driver.find_elements(By.CSS_SELECTOR, css):
                if element.is_displayed() and text in element.text:
                    return element
            return False

        return WebDriverWait(self.driver, WAIT, ignored_exceptions=REDRAWN).until(
            found, f"no {css!r} showing {text!r}; page: {self.text()[:800]}"
        )

    def text(self) -> str:
        return self.driver.find_element(By.TAG_NAME, "body").text

    def field(self, label: str, within: str = "main") -> WebElement:
        """The control labelled `label` (its <label> text starts with it)."""
        xpath = (
            f".//label[starts-with(normalize-space(.), {label!r})]"
            "//*[self::input or self::select or self::textarea]"
        )
        scope = self.wait(within)
        return WebDriverWait(self.driver, WAIT, ignored_exceptions=REDRAWN).until(
            lambda _d: scope.find_element(By.XPATH, xpath)
        )

    def fill(self, within: str = "main", **labels: str) -> None:
        """Fill controls by label: `First_admin_s_email` is "First admin's email"."""
        for label, value in labels.items():
            control = self.field(label.replace("_s_", "'s ").replace("_", " "), within)
            if control.tag_name == "select":
                Select(control).select_by_value(value)
            else:
                control.clear()
                control.send_keys(value)

    def button(self, label: str, within: str = "main") -> WebElement:
        xpath = f".//button[normalize-space(.)={label!r}]"
        scope = self.wait(within)
        return WebDriverWait(self.driver, WAIT, ignored_exceptions=REDRAWN).until(
            lambda _d: scope.find_element(By.XPATH, xpath)
        )

    def click(self, label: str, within: str = "main") -> None:
        """Click the enabled button `label`, found again if the screen redraws."""

        def clicked(_driver):
            button = self.button(label, within)
            if not button.is_enabled():
                return False
            button.click()
            return True

        WebDriverWait(self.driver, WAIT, ignored_exceptions=REDRAWN).until(
            clicked, f"no enabled button {label!r} in {within}"
        )

    def sign_in(self, email: str, password: str = PASSWORD) -> None:
        self.open()
        self.fill("#signin", Email=email, Password=password)
        self.click("Sign in", "#signin")

    def screenshot(self, name: str) -> Path:
        self.screenshots.mkdir(parents=True, exist_ok=True)
        path = self.screenshots / name
        self.driver.save_screenshot(str(path))
        return path


def password_login(client, email: str, password: str):
    """A phone's login (test client) as someone the console just created."""
    device = {"id": f"phone-of-{email}", "platform": "android"}
    return client.post(
        "/api/v1/auth/login",
        json={"email": email, "password": password, "device": device},
    )
