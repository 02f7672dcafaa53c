"""The demo's funding of the national plan: what a user opening its funding pages notices."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from action_plans.models import ActionPlan
from funding import selectors
from funding.models import (
    Commitment,
    Engagement,
    EngagementKind,
    FundingSource,
    MobilisationStrategy,
    SourceKind,
    Stage,
)
from governance.models import Organisation


@pytest.fixture
def national(db):
    call_command("load_demo")
    return ActionPlan.objects.get(level="national")


def test_the_demo_plan_draws_on_every_kind_of_source_the_guide_names(national):
    sources = FundingSource.objects.filter(plan=national).select_related("provider")
    kinds = {source.kind for source in sources}
    assert {
        SourceKind.NATIONAL_BUDGET,
        SourceKind.SDG_FUND,
        SourceKind.PARTNER_MIGRATION_FUND,
        SourceKind.REMITTANCE_SCHEME,
        SourceKind.DIASPORA_FOUNDATION,
    } <= kinds
    partner_funds = [s for s in sources if s.kind == SourceKind.PARTNER_MIGRATION_FUND]
    assert {source.currency for source in partner_funds} == {"EUR"}
    assert {source.provider.type for source in partner_funds} == {"development_partner"}
    diaspora = sources.get(kind=SourceKind.DIASPORA_FOUNDATION)
    assert diaspora.provider.acronym == "GDF"
    budgets = sources.filter(kind=SourceKind.NATIONAL_BUDGET)
    assert {"MINT", "MELR"} <= {source.provider.acronym for source in budgets}
    assert {source.currency for source in budgets} == {"GHS"}


def test_the_demo_plan_has_money_at_every_stage_and_a_gap_to_close(national):
    commitments = Commitment.objects.filter(intervention__plan=national)
    assert set(commitments.values_list("stage", flat=True)) == set(Stage.values)
    assert commitments.exclude(currency="GHS").filter(exchange_rate__isnull=True).count() == 0

    figures = selectors.plan_figures(national)
    assert figures.gap > 0
    assert figures.committed > 0
    assert figures.disbursed > 0
    assert figures.pledged >= figures.committed >= figures.disbursed
    assert 0 < figures.local_share_of_committed < 1
    assert 0 < figures.local_share_of_disbursed < 1

    rows = [selectors.Figures.of(row) for row in selectors.interventions_with_figures(national)]
    assert sum(1 for row in rows if row.gap) >= 3
    assert any(row.gap == 0 for row in rows)  # one fully funded or over-funded


def test_the_demo_credits_local_actors_as_they_wish(national):
    named, hidden = selectors.local_recipients(national)
    assert hidden == 0
    by_name = {recipient.name: recipient for recipient in named}
    assert set(by_name) == {"Ashaiman Migrant Workers' Association (AMWA)", None}
    # The women's network asked to be credited anonymously: described, not named.
    assert "led by women" in by_name[None].description
    assert all(recipient.committed > 0 for recipient in named)


def test_the_mobilisation_plan_covers_the_largest_gaps_but_not_all(national):
    needing = list(selectors.interventions_needing_funds(national))
    with_strategy = [item for item in needing if selectors.strategy_of(item)]
    assert with_strategy
    assert needing[0] in with_strategy  # the largest gap has a strategy
    assert len(with_strategy) < len(needing)  # and some gap has none yet
    assert all(
        selectors.strategy_of(item).strategy and selectors.strategy_of(item).partners_to_approach
        for item in with_strategy
    )


def test_the_engagement_log_records_meetings_proposals_and_a_consultation(national):
    engagements = list(selectors.plan_engagements(national))
    assert 4 <= len(engagements) <= 5
    kinds = {engagement.kind for engagement in engagements}
    assert {
        EngagementKind.BILATERAL_MEETING,
        EngagementKind.PROPOSAL_SENT,
        EngagementKind.CONSULTATION,
    } <= kinds
    consultation = next(e for e in engagements if e.kind == EngagementKind.CONSULTATION)
    assert consultation.consultation.plan == national
    assert consultation.consultation.kind == "funding_partners_meeting"
    for engagement in engagements:
        assert engagement.interests and engagement.next_step and engagement.outcome
        assert engagement.interventions.all()
        assert engagement.recorded_by.username == "coordinator"


def test_loading_the_demo_twice_adds_no_funding(national):
    counts = (
        Organisation.objects.count(),
        FundingSource.objects.count(),
        Commitment.objects.count(),
        MobilisationStrategy.objects.count(),
        Engagement.objects.count(),
    )
    figures = selectors.plan_figures(national)
    call_command("load_demo")
    assert (
        Organisation.objects.count(),
        FundingSource.objects.count(),
        Commitment.objects.count(),
        MobilisationStrategy.objects.count(),
        Engagement.objects.count(),
    ) == counts
    assert selectors.plan_figures(national) == figures
    assert counts[2] > 0


def test_the_demo_converted_foreign_money_with_plausible_rates(national):
    for commitment in Commitment.objects.filter(intervention__plan=national).exclude(
        currency="GHS"
    ):
        low, high = {"EUR": (15, 18), "USD": (14, 17)}[commitment.currency]
        assert low < commitment.exchange_rate < high
        assert commitment.base_amount == (commitment.amount * commitment.exchange_rate).quantize(
            Decimal("0.01")
        )


def test_the_national_plan_shows_its_local_share_against_a_target_of_25_percent(national, client):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from funding.models import LocalisationTarget

    assert LocalisationTarget.objects.get(plan=national).of_committed == Decimal(25)
    client.force_login(get_user_model().objects.get(username="viewer"))
    page = client.get(reverse("funding_overview", args=[national.pk])).content.decode()
    share = selectors.plan_figures(national).local_share_of_committed
    standing = "target met" if share >= Decimal("0.25") else "below target"
    assert f"target 25.0\xa0%: {standing}." in page


def test_amwas_coordinator_has_stated_one_need_met_and_one_unmet(national, client):
    from funding.models import CapacityNeed
    from governance.models import User

    coordinator = User.objects.get(username="amwa.coordinator")
    needs = CapacityNeed.objects.filter(plan=national).prefetch_related("addressed_by")
    assert {need.organisation.acronym for need in needs} == {"AMWA"}
    assert {need.created_by for need in needs} == {coordinator}
    assert sorted(bool(need.addressed_by.all()) for need in needs) == [False, True]
    assert coordinator.memberships.get().role == "coordinator"

    client.force_login(coordinator)
    page = client.get(reverse("capacity_need_list", args=[national.pk])).content.decode()
    assert "Met (1)" in page and "Unmet (1)" in page
    assert "Complaints helpline and case register for migrant workers" in page
