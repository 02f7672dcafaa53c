"""Interventions in Chromium, as ministry staff design them."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from action_plans.models import ActionPlan
from governance.models import User
from interventions.models import Intervention
from targets.services import proposal_decide
from tests.browser.test_accessibility import _serious
from tests.browser.test_catalogue_journey import _sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_labour_editor_designs_an_intervention_and_sets_its_status_in_place(page):
    call_command("load_demo")
    national = ActionPlan.objects.get(level="national")
    _sign_in(page, "editor")
    page.get_by_role("link", name=national.title).click()
    page.get_by_role("link", name="Interventions", exact=True).first.click()
    page.get_by_role("link", name="Add an intervention").click()

    page.get_by_label("Title", exact=True).fill("Skills recognition for returning workers")
    page.get_by_label("Programme", exact=True).check()
    page.get_by_label("Sector").select_option(label="Labour and employment")
    page.get_by_label("Start", exact=True).fill("2026-03-01")
    page.get_by_label("End", exact=True).fill("2028-12-31")
    page.get_by_label("Estimated cost (GHS)").fill("850000")
    page.get_by_label("8.8 Protect labour rights", exact=False).check()
    page.get_by_label("How it contributes to 8.8").fill("Returnees' skills are recognised")
    page.get_by_label("Returnees", exact=True).check()
    page.get_by_label("Estimated number of Returnees").fill("4000")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Skills recognition for returning workers"
    )
    expect(page.get_by_text("about 4,000")).to_be_visible()
    intervention = Intervention.objects.get(title="Skills recognition for returning workers")
    assert intervention.lead_organisation.acronym == "MELR"  # their own, chosen for them

    # The list: the status changes in place (htmx), the page is not reloaded.
    page.get_by_role("link", name="Interventions", exact=True).first.click()
    assert _serious(page) == []
    page.evaluate("window.notReloaded = true")
    row = page.get_by_role("row").filter(has_text="Skills recognition for returning workers")
    row.get_by_label("Status of Skills recognition for returning workers").select_option("designed")
    row.get_by_role("button", name="Set").click()
    expect(row.get_by_text("Saved.")).to_be_visible()
    assert page.evaluate("window.notReloaded") is True
    intervention.refresh_from_db()
    assert intervention.status == "designed"

    row.get_by_label("Status of Skills recognition for returning workers").select_option("dropped")
    row.get_by_role("button", name="Set").click()
    expect(row.get_by_text("Say why the intervention is dropped.")).to_be_visible()
    intervention.refresh_from_db()
    assert intervention.status == "designed"

    # A target the coordinators have just accepted: the coverage view says it is missing.
    proposal = national.prioritised_targets.get(target__code="8.7")
    proposal_decide(
        actor=User.objects.get(username="coordinator"),
        prioritised_target=proposal,
        accept=True,
        comment="",
    )
    page.get_by_role("link", name="Coverage of the targets").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "1 prioritised target has no intervention yet: 8.7"
    )


def test_the_labour_editor_starts_from_an_example_and_sets_a_target_for_2030(page):
    """The issue's journey: an intervention against 10.7 from an example, an indicator with
    a 2030 target, and no edit button on the statistics office's intervention."""
    call_command("load_demo")
    national = ActionPlan.objects.get(level="national")
    _sign_in(page, "editor")
    page.get_by_role("link", name=national.title).click()
    page.get_by_role("link", name="Interventions", exact=True).first.click()

    # Another organisation's intervention: readable, not editable.
    statistics = national.interventions.filter(lead_organisation__acronym="GSS").first()
    page.get_by_role("link", name=statistics.title).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(statistics.title)
    expect(page.get_by_role("link", name="Change the intervention")).to_have_count(0)
    expect(page.get_by_role("link", name="Add an indicator")).to_have_count(0)
    page.go_back()

    page.get_by_role("link", name="Start from an example").click()
    page.get_by_label("Target", exact=True).select_option("10.7")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role(
        "link", name=re.compile(r"Use this example\W+Migrant resource centres")
    ).click()
    page.get_by_role("button", name="Add as a proposed intervention").click()
    # The draft opens in its form, led by the editor's own ministry.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Migrant resource centres")
    page.get_by_label("Start", exact=True).fill("2026-01-01")
    page.get_by_label("End", exact=True).fill("2030-12-31")
    page.get_by_role("button", name="Save").click()
    created = national.interventions.filter(title__startswith="Migrant resource centres").latest(
        "created_at"
    )
    assert created.lead_organisation.acronym == "MELR" and created.status == "proposed"
    assert list(
        created.addressed_targets.values_list("prioritised_target__target__code", flat=True)
    ) == ["10.7"]

    page.get_by_role("link", name="Add an indicator").click()
    page.get_by_label("Global SDG indicator").select_option(
        label="— a national indicator instead —"
    )
    page.get_by_label("National indicator").fill("Returnees advised before departure")
    page.get_by_label("Unit").fill("persons")
    page.get_by_label("2030", exact=True).fill("5000")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Returnees advised before departure").first).to_be_visible()
    indicator = created.indicators.get(name="Returnees advised before departure")
    assert indicator.target_values.get(year=2030).value == 5000
    assert _serious(page) == []
