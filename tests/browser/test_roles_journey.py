"""The roles at work, tried in real Chromium with the demo users as a new user would.

- The statistics office (GSS) leads monitoring under the joint lead and is responsible for
  10.c: its editor sets the baseline and adds an indicator.
- The labour ministry's (MELR) editor changes and withdraws MELR's own proposal, but not
  GSS's; they set the baseline of 8.8, which MELR is responsible for, but not of 10.7.
- The interior ministry's (MINT) coordinator names a signatory for MINT without the
  platform administrator.
"""

import re

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from action_plans.models import ActionPlan
from governance.models import Membership, Role
from targets.models import PrioritisedTarget
from tests.browser.test_catalogue_journey import _sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def national(live_server):
    call_command("load_demo")
    return ActionPlan.objects.get(level="national")


def _target_page(page, code: str) -> None:
    page.get_by_role("link", name="Targets", exact=True).first.click()
    page.get_by_role("link", name=code, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Target {code}")


def test_the_statistics_editor_sets_a_baseline_and_adds_an_indicator(page, national):
    _sign_in(page, "stats.editor")
    page.get_by_role("link", name=national.title).click()
    _target_page(page, "10.c")

    page.get_by_role("link", name="Change the baseline").click()
    page.get_by_label("Baseline value").fill("7.4")
    page.get_by_label("Baseline year").fill("2025")
    page.get_by_label("Baseline source").fill("GSS remittance cost survey 2025")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").first).to_contain_text("Baseline of 10.c saved")
    expect(page.get_by_text("GSS remittance cost survey 2025")).to_be_visible()

    page.get_by_role("link", name="Add an indicator").click()
    page.get_by_label("National proxy indicator").fill("Cost of sending GHS 500 from the UK")
    page.get_by_label("Unit of the proxy").fill("%")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Cost of sending GHS 500 from the UK")).to_be_visible()
    # Monitoring is their body's work; prioritisation is not.
    expect(page.get_by_role("link", name="Change the rationale")).to_have_count(0)
    expect(page.get_by_role("link", name="Score")).to_have_count(0)

    item = PrioritisedTarget.objects.get(plan=national, target__code="10.c")
    assert item.baseline_source == "GSS remittance cost survey 2025"
    assert item.history.first().history_user.username == "stats.editor"


def test_the_labour_editor_changes_and_withdraws_their_own_proposal_only(page, national):
    _sign_in(page, "editor")
    page.get_by_role("link", name=national.title).click()
    page.get_by_role("link", name="Targets", exact=True).first.click()

    proposals = page.get_by_role("table").filter(has_text="Proposed by").first
    own = proposals.get_by_role("row").filter(has_text="8.7")
    other = proposals.get_by_role("row").filter(has_text="16.9")
    expect(other.get_by_role("link")).to_have_count(0)

    own.get_by_role("link", name="Change the proposal of 8.7").click()
    page.get_by_label("Rationale").fill("Children of internal migrants work on cocoa farms.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Children of internal migrants work on cocoa farms.")).to_be_visible()

    own = page.get_by_role("row").filter(has_text="8.7")
    own.get_by_role("link", name="Withdraw the proposal of 8.7").click()
    page.get_by_role("button", name="Withdraw proposal").click()
    expect(page.get_by_role("status").first).to_contain_text("Proposal 8.7 withdrawn")
    assert not PrioritisedTarget.objects.filter(plan=national, target__code="8.7").exists()

    # Typing the other organisation's proposal address is refused.
    gss_proposal = PrioritisedTarget.objects.get(plan=national, target__code="16.9")
    response = page.goto(f"/plans/{national.pk}/targets/{gss_proposal.pk}/withdraw/")
    assert response.status == 403

    # MELR is responsible for 8.8: its editor sets that baseline, not 10.7's (MINT's).
    page.goto(f"/plans/{national.pk}/targets/")
    _target_page(page, "8.8")
    expect(page.get_by_role("link", name="Change the baseline")).to_be_visible()
    page.goto(f"/plans/{national.pk}/targets/")
    _target_page(page, "10.7")
    expect(page.get_by_role("link", name="Change the baseline")).to_have_count(0)


def test_the_interior_coordinator_names_a_signatory_for_their_ministry(page, national):
    from governance.services.memberships import membership_remove

    # The demo names a signatory everywhere; this journey starts where some are missing.
    for membership in Membership.objects.filter(
        role=Role.SIGNATORY, organisation__acronym__in=["MINT", "AMWA", "NDPC"]
    ):
        membership_remove(actor=None, membership=membership)
    _sign_in(page, "coordinator")
    page.get_by_role("link", name=national.title).click()
    page.get_by_role("link", name="Governance").click()
    expect(page.get_by_text("no signatory is named for:")).to_contain_text("MINT")

    page.get_by_role("link", name="Ministry of the Interior").first.click()
    expect(page.get_by_text("no member is a signatory")).to_be_visible()
    page.get_by_role("link", name="Invite a member").click()
    page.get_by_label("Email address").fill("a.owusu@mint.example")
    page.get_by_label("First name").fill("Ama")
    page.get_by_label("Last name").fill("Owusu")
    page.get_by_label("Role in the organisation").select_option("signatory")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("status").first).to_contain_text("a.owusu@mint.example is invited")
    assert re.search(r"/invitations/\S+/", mail.outbox[-1].body)

    signatory = Membership.objects.get(user__email="a.owusu@mint.example")
    assert signatory.role == Role.SIGNATORY and signatory.organisation.acronym == "MINT"
    page.goto(f"/plans/{national.pk}/governance/")
    warning = page.get_by_role("status").filter(has_text="no signatory is named for:")
    expect(warning).to_be_visible()  # still there for the others, so the next line means it
    expect(warning).not_to_contain_text("MINT")

    # A participant without one: its coordinators are asked by email.
    page.get_by_role("link", name="Ask its coordinators to name one (AMWA)").click()
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_role("status").first).to_contain_text("AMWA")
    assert "signatory" in mail.outbox[-1].subject
