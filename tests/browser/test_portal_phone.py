"""The public portal on a phone (390 × 844) in real Chromium, without an account: it
reads without sideways scrolling and axe-core finds no serious violation."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from action_plans import workflow
from action_plans.models import ActionPlan
from tests.browser.test_accessibility import _serious
from tests.browser.test_phone import PHONE, _sideways_overflow

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_anonymous_reader_reads_the_demo_plan_on_a_phone(browser, live_server, catalogue):
    call_command("load_demo")
    national = ActionPlan.objects.get(level="national")
    official = workflow.official_version(national)
    context = browser.new_context(
        base_url=live_server.url,
        bypass_csp=True,  # axe-core is injected as a script
        viewport=PHONE,
        locale="en-GB",
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems = {}

    page.goto(reverse("portal_plans"))
    assert page.locator("h1").inner_text() == "Open plans"
    if found := _serious(page):
        problems["list"] = found
    page.get_by_role("link", name=national.title).click()
    page.wait_for_url(f"**/open/plans/{national.pk}/versions/{official.number}/")
    assert page.locator("h1").inner_text() == national.title
    assert page.get_by_role("heading", name="Interventions by target").is_visible()
    assert _sideways_overflow(page) == 0
    if found := _serious(page):
        problems["version"] = found
    page.get_by_role("button", name="Menu").click()
    page.locator("#main-menu.show").wait_for()
    menu = page.get_by_role("navigation", name="Main")
    assert menu.get_by_role("link", name="Open plans").is_visible()
    if found := _serious(page):
        problems["menu open"] = found

    # in French, through the language switcher
    page.get_by_label("Language").select_option("fr")
    page.get_by_role("button", name="Change").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "fr"
    if found := _serious(page):
        problems["version in French"] = found
    context.close()
    assert problems == {}
