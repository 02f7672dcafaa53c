import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import expect

from governance.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def _sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_coordinator_signs_in_and_explores_the_catalogue_in_french(page, catalogue):
    call_command("load_demo")
    _sign_in(page, "coordinator")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your plans")

    page.get_by_role("link", name="SDG catalogue").click()
    expect(page.locator("#result-count")).to_contain_text("169 targets")

    page.get_by_label("Migration relevance").select_option("explicit")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#result-count")).to_contain_text("9 targets")

    page.get_by_label("Search by code or words").fill("10.7")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#target-10\\.7")).to_contain_text("Facilitate orderly, safe, regular")

    page.get_by_label("Language").select_option("fr")
    page.get_by_role("button", name="Change").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("#target-10\\.7")).to_contain_text(
        "Faciliter la migration et la mobilité de façon ordonnée"
    )


def test_the_skip_link_moves_keyboard_users_to_the_content(page, catalogue):
    page.goto("/catalogue/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{page.url.split('#')[0]}#main-content")
    expect(page.locator("main")).to_be_focused()


@pytest.mark.parametrize("path", ["/accounts/login/", "/catalogue/?q=10"])
def test_public_pages_have_no_serious_accessibility_violations(page, catalogue, path):
    page.goto(path)
    results = Axe().run(page)
    serious = [
        violation
        for violation in results.response["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]
    assert serious == [], results.generate_report()
