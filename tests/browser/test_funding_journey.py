"""Funding in Chromium: a development partner pledges in euros to a plan kept in cedis."""

import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from action_plans.models import ActionPlan
from funding import selectors
from funding.models import Commitment
from governance.demo import DEMO_PASSWORD
from governance.models import Organisation, User
from governance.services.memberships import membership_set
from governance.services.participations import participation_add
from tests.browser.test_accessibility import _serious
from tests.browser.test_catalogue_journey import _sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def _chart(page, code: str, column: str) -> tuple[str, str]:
    """The per-target chart as drawn (its SVG) and, from its data table, one figure of
    the target ``code``."""
    figure = page.locator("figure").first
    svg = figure.locator("svg").evaluate("svg => svg.outerHTML")
    headers = [text.strip() for text in figure.locator("table thead th").all_text_contents()]
    row = figure.locator("table tbody tr").filter(has_text=code).first
    cells = [text.strip() for text in row.locator("th, td").all_text_contents()]
    return svg, cells[headers.index(column)]


def _amount(text: str) -> Decimal:
    return Decimal(text.split("\xa0")[0].replace(",", ""))


def _figure(page, name: str) -> str:
    return (
        page.locator("dl.figures dt", has_text=re.compile(f"^{name}$"))
        .locator("xpath=following-sibling::dd[1]")
        .inner_text()
    )


def test_a_donor_pledges_in_euros_then_the_coordinator_confirms_it(page):
    call_command("load_demo")
    plan = ActionPlan.objects.get(level="national")
    eu = Organisation.objects.get(acronym="EU")
    participation_add(actor=None, plan=plan, organisation=eu, signatory_required=False)
    donor = User.objects.create_user(
        "eu.editor", password=DEMO_PASSWORD, first_name="Anna", last_name="Keller"
    )
    membership_set(actor=None, user=donor, organisation=eu, role="editor")
    intervention = selectors.interventions_needing_funds(plan).first()
    target = intervention.addressed_targets.select_related("prioritised_target__target").first()
    code = target.prioritised_target.target.code
    gap_before = selectors.intervention_figures(intervention).gap

    _sign_in(page, "eu.editor")
    page.goto(f"/plans/{plan.pk}/funding/")
    chart_before, pledged_before = _chart(page, code, "Pledged")
    page.goto(f"/plans/{plan.pk}/funding/interventions/{intervention.pk}/")
    page.get_by_role("link", name="Record a commitment").click()
    assert _serious(page) == []
    page.get_by_label("Source", exact=True).select_option(
        label="EU migration and mobility programme for Ghana"
    )
    page.get_by_label("Pledged", exact=True).check()
    page.get_by_label("Amount", exact=True).fill("150000")
    page.get_by_label("Currency", exact=True).select_option("EUR")
    page.get_by_label("Exchange rate to GHS").fill("16.45")
    page.get_by_label("Date of the rate").fill("2026-11-20")
    page.get_by_label("Date", exact=True).fill("2026-11-25")
    page.get_by_role("button", name="Save the commitment").click()

    expect(
        page.get_by_text("Commitment of “EU migration and mobility programme for Ghana” saved.")
    ).to_be_visible()
    expect(page.get_by_text("150,000.00 EUR")).to_be_visible()
    expect(page.get_by_text("2,467,500.00 GHS").first).to_be_visible()  # 150,000 × 16.45
    # A pledge is not money committed yet: the gap stays, the pledged bar grows.
    assert _figure(page, "Funding gap") == f"{gap_before:,.2f}\xa0GHS"
    page.goto(f"/plans/{plan.pk}/funding/")
    chart_after, pledged_after = _chart(page, code, "Pledged")
    assert chart_after != chart_before
    assert _amount(pledged_after) == _amount(pledged_before) + Decimal("2467500")

    # The partner may not confirm it as committed to another organisation's intervention.
    pledge = Commitment.objects.latest("pk")
    page.goto(f"/plans/{plan.pk}/funding/interventions/{intervention.pk}/commitments/{pledge.pk}/")
    page.get_by_label("Committed", exact=True).check()
    page.get_by_role("button", name="Save the commitment").click()
    expect(
        page.get_by_text("To another organisation's intervention you may record a pledge").first
    ).to_be_visible()

    # The coordinator, who keeps the mobilisation plan, confirms it: the gap falls.
    page.context.clear_cookies()
    _sign_in(page, "coordinator")
    page.goto(f"/plans/{plan.pk}/funding/")
    chart_before, committed_before = _chart(page, code, "Committed")
    page.goto(f"/plans/{plan.pk}/funding/interventions/{intervention.pk}/commitments/{pledge.pk}/")
    page.get_by_label("Committed", exact=True).check()
    page.get_by_role("button", name="Save the commitment").click()
    expect(
        page.get_by_text("Commitment of “EU migration and mobility programme for Ghana” saved.")
    ).to_be_visible()
    gap_after = max(gap_before - Decimal("2467500"), Decimal(0))
    assert _figure(page, "Funding gap") == (
        f"{gap_after:,.2f}\xa0GHS" if gap_after else "0.00\xa0GHS"
    )
    page.goto(f"/plans/{plan.pk}/funding/")
    chart_after, committed_after = _chart(page, code, "Committed")
    assert chart_after != chart_before
    assert _amount(committed_after) == _amount(committed_before) + Decimal("2467500")
    assert _serious(page) == []
