"""A phone (390 × 844) in real Chromium: no page scrolls sideways, the menu opens, wide
tables scroll inside their own box with the first column kept."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from action_plans.models import ActionPlan
from tests.browser.test_catalogue_journey import _sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, locale="en-GB", is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def _sideways_overflow(page) -> int:
    """How many pixels the page is wider than the screen (0 when it does not scroll)."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def test_no_page_scrolls_sideways_on_a_phone(phone, catalogue):
    call_command("load_demo")
    plan = ActionPlan.objects.get(level="national")
    _sign_in(phone, "coordinator")
    paths = [
        "/",
        f"/plans/{plan.pk}/",
        f"/plans/{plan.pk}/governance/",
        f"/plans/{plan.pk}/targets/",
        f"/plans/{plan.pk}/frameworks/",
        f"/plans/{plan.pk}/consultations/",
        f"/plans/{plan.pk}/history/",
        f"/plans/{plan.pk}/access/",
        "/catalogue/",
        "/catalogue/?relevance=explicit",
    ]
    overflowing = {}
    for path in paths:
        phone.goto(path)
        expect(phone.get_by_role("heading", level=1)).to_be_visible()
        if excess := _sideways_overflow(phone):
            overflowing[path] = excess
    phone.context.clear_cookies()
    _sign_in(phone, "admin")
    for path in ["/", "/users/", "/organisations/", "/plans/new/", "/users/invite/"]:
        phone.goto(path)
        if excess := _sideways_overflow(phone):
            overflowing[path] = excess
    assert overflowing == {}


def test_the_menu_opens_from_its_button_on_a_phone(phone):
    phone.goto("/catalogue/")
    catalogue_link = phone.get_by_role("navigation", name="Main").get_by_role(
        "link", name="SDG catalogue"
    )
    toggler = phone.get_by_role("button", name="Menu")
    expect(catalogue_link).to_be_hidden()
    expect(toggler).to_have_attribute("aria-expanded", "false")

    toggler.click()

    expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(catalogue_link).to_be_visible()
    expect(
        phone.get_by_role("button", name="Sign in").or_(phone.get_by_role("link", name="Sign in"))
    ).to_be_visible()
    catalogue_link.click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("SDG catalogue")


def test_a_wide_table_scrolls_in_its_box_keeping_its_first_column(phone, catalogue):
    call_command("load_demo")
    plan = ActionPlan.objects.get(level="national")
    _sign_in(phone, "coordinator")
    phone.goto(f"/plans/{plan.pk}/targets/")
    box = phone.locator(".table-scroll").first
    first_cell = box.locator("tbody tr").first.locator("td, th").first
    target_text = box.locator("tbody th.col-text").first

    assert box.evaluate("box => box.scrollWidth > box.clientWidth")
    # The target's wording keeps a readable width rather than a narrow, tall column.
    assert target_text.evaluate("cell => cell.getBoundingClientRect().width") >= 190
    before = first_cell.bounding_box()["x"]
    box.evaluate("box => { box.scrollLeft = box.scrollWidth; }")
    assert first_cell.bounding_box()["x"] == pytest.approx(before, abs=1)
    assert _sideways_overflow(phone) == 0


def test_the_interventions_show_their_status_and_cost_on_a_phone(phone, catalogue):
    """Each intervention is a block of its cells, each named: its status and cost are on
    the screen without scrolling sideways; the examples keep target 10.c in lower case."""
    call_command("load_demo")
    plan = ActionPlan.objects.get(level="national")
    _sign_in(phone, "coordinator")
    phone.goto(f"/plans/{plan.pk}/interventions/")
    box = phone.locator(".table-scroll").first
    row = box.locator("tbody tr").first
    cost = row.locator('td[data-label="Cost (GHS)"]')
    status = row.locator('td[data-label="Status"]')

    for cell, name in ((cost, "Cost (GHS)"), (status, "Status")):
        expect(cell).to_be_visible()
        edge = cell.bounding_box()
        assert edge["x"] >= 0 and edge["x"] + edge["width"] <= PHONE["width"]
        shown = cell.evaluate("cell => getComputedStyle(cell, '::before').content")
        assert shown == f'"{name}: "'  # the cell says which column it is
    assert box.evaluate("box => box.scrollWidth <= box.clientWidth")
    assert _sideways_overflow(phone) == 0

    phone.goto(f"/plans/{plan.pk}/interventions/examples/")
    prioritised = phone.locator("section[aria-labelledby=prioritised-heading] .tag")
    expect(prioritised.filter(has_text="10.c")).to_have_text("10.c")
    assert "10.c" in prioritised.all_inner_texts()
