"""The lead arrangement form in Chromium: what shows follows what is chosen."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from action_plans.models import ActionPlan
from governance.models import LeadBodyKind, Organisation, OrganisationType
from tests import factories
from tests.browser.test_accessibility import _serious
from tests.browser.test_catalogue_journey import _sign_in

pytestmark = pytest.mark.django_db(transaction=True)

DECISION_POWER = "The coordinating council or working group holds decision power"
COUNCIL = "National Migration Coordination Council (NMCC)"
MINT = "Ministry of the Interior (MINT)"
GSS = "Ghana Statistical Service (GSS)"


def _options(picker) -> list[str]:
    return [text.strip() for text in picker.locator("option").all_inner_texts()]


def test_a_coordinator_sets_up_a_coordinating_council_with_decision_power(page):
    call_command("load_demo")
    factories.OrganisationFactory(
        name="National Migration Coordination Council",
        acronym="NMCC",
        type=OrganisationType.COORDINATING_BODY,
    )
    plan = ActionPlan.objects.get(level="national")
    _sign_in(page, "coordinator")
    page.goto(f"/plans/{plan.pk}/governance/lead/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Who leads the plan")

    # The demo plan is led jointly: no decision power to give.
    decision_power = page.get_by_label(DECISION_POWER)
    expect(decision_power).to_be_hidden()
    page.get_by_label("A coordinating council or working group").check()
    expect(decision_power).to_be_visible()
    page.get_by_label("One lead ministry or body").check()
    expect(decision_power).to_be_hidden()

    # Responsibility pickers offer only the lead bodies chosen above.
    monitoring = page.get_by_label("Monitoring and evaluation")
    gss = Organisation.objects.get(acronym="GSS")
    expect(monitoring).to_have_value(str(gss.pk))
    assert sorted(_options(monitoring)[1:]) == [GSS, MINT]
    page.get_by_label("Lead body", exact=True).select_option(label=MINT)
    page.get_by_label("Second lead body").select_option(label=GSS)
    expect(monitoring).to_have_value(str(gss.pk))
    page.get_by_label("Second lead body").select_option(label="No second lead body")
    assert _options(monitoring)[1:] == [MINT]
    expect(monitoring).to_have_value("")  # GSS no longer leads: its choice is cleared
    page.get_by_label("Lead body", exact=True).select_option(label=COUNCIL)
    for activity in ("Prioritisation of targets", "Validation", "Monitoring and evaluation"):
        assert _options(page.get_by_label(activity))[1:] == [COUNCIL]

    page.get_by_label("A coordinating council or working group").check()
    decision_power.check()
    assert _serious(page) == []  # the form as it now shows, checked by axe-core
    page.get_by_role("button", name="Save lead arrangement").click()

    expect(page.get_by_role("status").first).to_contain_text("Lead arrangement saved.")
    expect(page.get_by_text("with decision power")).to_be_visible()
    plan.lead_arrangement.refresh_from_db()
    assert plan.lead_arrangement.has_decision_power is True
    leads = plan.lead_arrangement.bodies.filter(kind=LeadBodyKind.LEAD)
    assert [body.organisation.acronym for body in leads] == ["NMCC"]
