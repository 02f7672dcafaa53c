import re
import time

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from action_plans.models import ActionPlan
from targets.models import Coherence, FrameworkAssessment, PrioritisedTarget
from tests.browser.test_catalogue_journey import _sign_in

pytestmark = pytest.mark.django_db(transaction=True)

SCORES = {
    "10.7": {"Relevance to the migration context": "5", "Urgency": "4", "Feasibility": "3",
             "Political support": "4", "Data availability": "3"},
    "8.8": {"Relevance to the migration context": "4", "Urgency": "5", "Feasibility": "4",
            "Political support": "3", "Data availability": "2"},
}  # fmt: skip


def test_a_coordinator_prioritises_scores_and_records_an_incoherent_framework(page, catalogue):
    from action_plans.workflow import plan_withdraw
    from governance.models import User
    from interventions.services import intervention_remove
    from targets.services import prioritised_target_remove

    call_command("load_demo")
    plan = ActionPlan.objects.get(level="local")
    # The demo's Accra plan waits in validation; this journey starts it again from nothing.
    coordinator = User.objects.get(username="local.coordinator")
    plan_withdraw(actor=coordinator, plan=plan, comment="Starting the prioritisation again")
    for intervention in plan.interventions.all():
        intervention_remove(actor=coordinator, intervention=intervention)
    for item in plan.prioritised_targets.all():
        prioritised_target_remove(actor=coordinator, prioritised_target=item)
    started = time.monotonic()
    _sign_in(page, "local.coordinator")
    page.get_by_role("link", name=plan.title).click()
    page.get_by_role("link", name="Targets", exact=True).click()

    for code, rationale in [("10.7", "Accra receives most internal and cross-border migrants"),
                            ("8.8", "Migrant market porters lack labour protection")]:  # fmt: skip
        page.get_by_role("link", name="Prioritise a target").click()
        page.get_by_role("radio", name=re.compile(rf"^{re.escape(code)} ")).check()
        page.get_by_label("Rationale").fill(rationale)
        page.get_by_role("button", name="Prioritise").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(f"Target {code}")
        page.get_by_role("link", name="Score", exact=True).click()
        for criterion, score in SCORES[code].items():
            page.get_by_label(criterion).fill(score)
        page.get_by_role("button", name="Save scores").click()
        expect(page.get_by_role("status").or_(page.get_by_role("alert")).first).to_contain_text(
            f"Scores of {code} saved"
        )

    rows = page.locator("tbody tr")
    expect(rows.nth(0)).to_contain_text("10.7")  # 3.80 before 3.60
    expect(rows.nth(0)).to_contain_text("3.80")
    expect(rows.nth(1)).to_contain_text("8.8")

    page.get_by_role("link", name="Existing frameworks").click()
    page.get_by_role("link", name="Add a framework").click()
    page.get_by_label("Name").fill("Accra Street Trading By-law 2017")
    page.get_by_label("Kind").select_option("legislation")
    page.get_by_label("Level", exact=True).select_option("local")
    page.get_by_role("button", name="Save and assess").click()
    page.get_by_label("Target 10.7").select_option("incoherence")
    page.get_by_label("Note on 10.7").fill("Evictions of migrant traders without due process")
    page.get_by_role("button", name="Save assessment").click()

    matrix = page.get_by_role("table")
    expect(matrix).to_contain_text("Incoherence")
    expect(matrix).to_contain_text("Evictions of migrant traders")
    expect(page.get_by_role("status").filter(has_text="no existing framework")).to_contain_text(
        "8.8"
    )
    elapsed = time.monotonic() - started

    assert PrioritisedTarget.objects.filter(plan=plan).count() == 2
    assessment = FrameworkAssessment.objects.get(
        prioritised_target__plan=plan, prioritised_target__target__code="10.7"
    )
    assert assessment.coherence == Coherence.INCOHERENCE
    print(f"coordinator journey: {elapsed:.1f} s of clicking in Chromium")
