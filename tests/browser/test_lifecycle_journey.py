"""The plan's life in Chromium: fixed, submitted, sent back, signed, adopted, revised,
submitted again and compared."""

import re
from datetime import date

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from action_plans import workflow
from action_plans.hooks import validation_policy
from action_plans.models import ActionPlan, PlanStatus
from governance.models import Organisation, Role, User
from governance.services.signing import plan_sign
from interventions.models import Intervention, ResultIndicator
from interventions.services import indicator_create
from targets.services import prioritised_target_update
from tests.browser.test_accessibility import _serious
from tests.browser.test_catalogue_journey import _sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def _sign_the_rest(plan: ActionPlan) -> None:
    """Every required organisation that has not signed the version yet approves it."""
    policy = validation_policy()
    version = workflow.open_version(plan)
    for item in policy.required(plan):
        if item.organisation_id in policy.approvals(version):
            continue
        organisation = Organisation.objects.get(pk=item.organisation_id)
        plan_sign(
            actor=User.objects.get(
                memberships__organisation=organisation, memberships__role=Role.SIGNATORY
            ),
            plan=plan,
            organisation=organisation,
            decision="approve",
            comment="",
        )


def _switch(page, username: str) -> None:
    page.context.clear_cookies()
    _sign_in(page, username)


def test_a_revision_is_fixed_validated_adopted_revised_again_and_compared(page):
    call_command("load_demo")
    plan = ActionPlan.objects.get(level="national")
    assert plan.status == PlanStatus.DRAFT  # the demo's revision of the adopted 1.0
    remittances = plan.prioritised_targets.get(target__code="10.c")
    prioritised_target_update(  # a blocking item to fix
        actor=User.objects.get(username="coordinator"),
        prioritised_target=remittances,
        expected_version=remittances.version,
        data={"rationale": ""},
    )

    # The coordinator sees the blocking item on the dashboard and fixes it.
    _sign_in(page, "coordinator")
    page.goto(f"/plans/{plan.pk}/")
    # (the rationale, and the difference from 1.0 it makes, which has no reason yet)
    expect(page.get_by_role("status").first).to_contain_text("2 blocking criteria")
    page.get_by_role("link", name="See the checklist").click()
    expect(page.get_by_text("No rationale: 10.c.")).to_be_visible()
    assert _serious(page) == []
    page.get_by_role("link", name="Every prioritised target has a rationale").click()
    page.goto(f"/plans/{plan.pk}/targets/{remittances.pk}/edit/")
    page.get_by_label("Rationale").fill("Remittance costs are among the highest in the region.")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Validation", exact=True).first.click()

    # The rationale differs from the official version's: submission waits for its reason.
    expect(page.get_by_text("1 difference from version 1.0 has no recorded reason")).to_be_visible()
    page.get_by_role("checkbox", name=re.compile("10.c")).check()
    page.get_by_label("A correction").check()
    page.get_by_label("What changes, and why").fill("The rationale of 10.c says why it matters.")
    page.get_by_role("button", name="Record the reason for the differences chosen").click()
    expect(page.get_by_text("The change is recorded in the revision's change log.")).to_be_visible()
    expect(page.get_by_text("Every blocking criterion is met")).to_be_visible()
    assert _serious(page) == []

    # Submitted: version 2.0, read-only, the signatories told.
    page.get_by_role("link", name="Submit for validation").click()
    expect(page.get_by_text("The signatories of these organisations are asked")).to_be_visible()
    page.get_by_role("button", name="Submit for validation").click()
    expect(page.get_by_text("Version 2.0 is in validation.")).to_be_visible()

    # The Ministry of Health asks for changes; the plan is a draft again.
    _switch(page, "signatory.moh")
    page.goto("/notifications/")
    expect(page.get_by_text("Version 2.0 of “National Migration-SDG Action Plan")).to_be_visible()
    page.goto(f"/plans/{plan.pk}/validation/")
    page.get_by_role("link", name="Sign for your organisation").click()
    page.get_by_label("Request changes").check()
    page.get_by_label("Comment", exact=True).fill(
        "Name the district health officers who follow up."
    )
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("Signed for MOH: changes requested.")).to_be_visible()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT

    # The coordinator records the change and submits again: 2.1.
    _switch(page, "coordinator")
    page.goto(f"/plans/{plan.pk}/validation/")
    page.get_by_role("link", name="Record a change").click()
    page.get_by_label("A correction").check()
    page.get_by_label("What changes, and why").fill("District health officers named.")
    page.get_by_role("button", name="Record the change").click()
    page.get_by_role("link", name="Submit for validation").click()
    page.get_by_role("button", name="Submit for validation").click()
    expect(page.get_by_text("Version 2.1 is in validation.")).to_be_visible()

    # Two signatories approve in the browser, the others through the services.
    for username in ("signatory.moh", "signatory"):
        _switch(page, username)
        page.goto(f"/plans/{plan.pk}/validation/sign/")
        page.get_by_label("Approve the plan").check()
        page.get_by_role("button", name="Record the decision").click()
        expect(page.get_by_text(": approved.")).to_be_visible()
    _sign_the_rest(plan)

    # The coordinator adopts 2.1; it is the official plan, 1.0 superseded.
    _switch(page, "coordinator")
    page.goto(f"/plans/{plan.pk}/")
    page.get_by_role("link", name="Adopt the plan").click()
    page.get_by_label("Date of adoption").fill(date.today().isoformat())
    page.get_by_label("Adopting act or reference").fill("Cabinet decision CD/2026/118")
    page.get_by_role("button", name="Adopt the plan").click()
    expect(page.get_by_text("Version 2.1 is adopted: it is the official plan.")).to_be_visible()

    # A revision: a new intervention, then submitted again and compared.
    page.get_by_role("link", name="Open a revision", exact=True).click()
    page.get_by_label("A new intervention").check()
    page.get_by_label("What changes, and why").fill("Diaspora skills transfer programme.")
    page.get_by_role("button", name="Open a revision").click()
    page.goto(f"/plans/{plan.pk}/interventions/add/")
    page.get_by_label("Title", exact=True).fill("Diaspora skills transfer")
    page.get_by_label("Programme", exact=True).check()
    page.get_by_label("Sector").select_option(label="Labour and employment")
    page.get_by_label("Lead organisation").select_option(label="Ministry of the Interior (MINT)")
    page.get_by_label("Start", exact=True).fill("2027-01-01")
    page.get_by_label("End", exact=True).fill("2029-12-31")
    page.get_by_label("Estimated cost (GHS)").fill("480000")
    page.get_by_label("8.8 Protect labour rights", exact=False).check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Diaspora skills transfer")
    indicator_create(  # its results framework, entered by the monitoring lead
        actor=User.objects.get(username="coordinator"),
        intervention=Intervention.objects.get(title="Diaspora skills transfer"),
        indicator=ResultIndicator(
            name="Diaspora experts placed", unit="people", baseline_value=0, baseline_year=2026
        ),
        target_values={2029: 60},
    )
    # Submitting before its reason is recorded: the confirmation says what blocks.
    page.goto(f"/plans/{plan.pk}/validation/")
    page.get_by_role("link", name="Submit for validation").click()
    expect(page.get_by_text("This step will be refused until:")).to_be_visible()
    expect(
        page.get_by_text("Intervention “Diaspora skills transfer” (added): no reason recorded.")
    ).to_be_visible()
    page.get_by_role("link", name="Cancel").click()
    page.get_by_role("link", name="Record a change").click()
    page.get_by_role("checkbox", name=re.compile("Diaspora skills transfer")).check()
    page.get_by_label("A new intervention").check()
    page.get_by_label("What changes, and why").fill("Diaspora skills transfer programme.")
    page.get_by_role("button", name="Record the change").click()
    page.get_by_role("link", name="Submit for validation").click()
    page.get_by_role("button", name="Submit for validation").click()
    expect(page.get_by_text("Version 3.0 is in validation.")).to_be_visible()

    # The comparison with the official version, one click from the validation page.
    page.get_by_role("link", name="Compare version 3.0 with the official version").click()
    expect(page.get_by_text("From version 2.1 to version 3.0:")).to_be_visible()
    expect(page.get_by_text("Intervention “Diaspora skills transfer”").first).to_be_visible()
    assert _serious(page) == []
    assert workflow.official_version(plan).number == "2.1"
