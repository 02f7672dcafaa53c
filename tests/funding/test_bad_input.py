"""Bad money input, at the service level: refused on its field, nothing saved.

Each case calls the service as a page would, with one thing wrong, and checks that the
refusal names the field to correct (``ValidationError.error_dict``) and that no source or
commitment was written. Removals that would leave money without its intervention or
source are refused, naming what holds them.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from action_plans.models import ActionPlan
from action_plans.services import plan_update
from funding.models import (
    Commitment,
    Engagement,
    EngagementKind,
    FundingSource,
    SourceKind,
    Stage,
)
from funding.services import (
    commitment_problems,
    commitment_remove,
    commitment_update,
    engagement_create,
    source_create,
    source_remove,
    source_update,
)
from governance.models import OrganisationType
from governance.services.participations import participation_add
from interventions.models import Intervention
from interventions.services import Links, intervention_create, intervention_remove
from targets.models import Target
from targets.services import prioritised_target_add
from tests import factories
from tests.funding.conftest import commit
from tests.interventions.conftest import make_intervention

DATED = date(2026, 3, 1)


def counts() -> dict[str, int]:
    return {
        "commitments": Commitment.objects.count(),
        "sources": FundingSource.objects.count(),
        "engagements": Engagement.objects.count(),
    }


def assert_refused_on(field: str, service, *args, **kwargs) -> ValidationError:
    """``service(*args, **kwargs)`` is refused on ``field`` alone, and writes nothing."""
    before = counts()
    with pytest.raises(ValidationError) as refusal:
        service(*args, **kwargs)
    assert set(refusal.value.error_dict) == {field}, refusal.value.error_dict
    assert counts() == before
    return refusal.value


@pytest.fixture
def funding(cast, targets_a, donor, sources):
    """Plan A's intervention led by ministry X, its sources (ministry X's budget line in
    GHS, the donor's fund in EUR) and a local actor taking part in the plan."""
    local_actor = factories.OrganisationFactory(
        name="Women on the Move", type=OrganisationType.MIGRANT_LED, is_local_actor=True
    )
    participation_add(
        actor=cast.administrator,
        plan=cast.plan_a,
        organisation=local_actor,
        signatory_required=False,
    )
    return {
        "fair": make_intervention(cast, targets_a),
        "budget": sources["budget"],
        "eu": sources["eu"],
        "local_actor": local_actor,
    }


def record(cast, funding, source="budget", **values) -> Commitment:
    """A commitment recorded by the lead ministry's coordinator (who may record any):
    1,000 of the source's currency, committed, unless said otherwise."""
    values.setdefault("amount", "1000")
    return commit(cast.coordinator_a, funding["fair"], funding[source], **values)


# --- amounts --------------------------------------------------------------------------------


@pytest.mark.parametrize("amount", ["-1", "-0.01", "0", "0.00"])
def test_an_amount_of_zero_or_less_is_refused(cast, funding, amount):
    assert_refused_on("amount", record, cast, funding, amount=amount)


@pytest.mark.parametrize(
    ("source", "currency", "amount"),
    [
        ("budget", "GHS", "10.001"),
        ("eu", "EUR", "10.125"),
        ("eu", "JPY", "10.5"),
        ("eu", "JPY", "0.1"),
        ("eu", "KWD", "10.1234"),
    ],
)
def test_more_decimals_than_the_currency_has_are_refused(cast, funding, source, currency, amount):
    refusal = assert_refused_on(
        "amount", record, cast, funding, source=source, currency=currency, amount=amount
    )
    assert currency in refusal.message_dict["amount"][0]


@pytest.mark.parametrize(
    ("currency", "amount"), [("JPY", "1000.00"), ("KWD", "10.123"), ("EUR", "10.10")]
)
def test_as_many_decimals_as_the_currency_has_are_accepted(cast, funding, currency, amount):
    recorded = record(cast, funding, source="eu", currency=currency, amount=amount)
    assert recorded.amount == Decimal(amount)


@pytest.mark.parametrize("name", ["disbursed", "to_local_actors"])
def test_a_negative_part_is_refused(cast, funding, name):
    values = (
        {"stage": "disbursed"}
        if name == "disbursed"
        else {"local_channel": "direct", "local_actors": [funding["local_actor"]]}
    )
    assert_refused_on(name, record, cast, funding, **{name: "-1", **values})


def test_an_amount_beyond_what_can_be_recorded_is_refused(cast, funding):
    """At 10^15 the amount no longer fits its column: a message, not a database error."""
    assert_refused_on("amount", record, cast, funding, amount="1000000000000000")


def test_an_amount_that_would_not_fit_once_converted_is_refused(cast, funding):
    """10^14 euros at 13.5 cedis fit as entered, not in cedis."""
    assert_refused_on("amount", record, cast, funding, source="eu", amount="100000000000000")
    recorded = record(cast, funding, source="eu", amount="70000000000000")
    assert recorded.base_amount == Decimal("945000000000000")


def test_an_unknown_currency_is_refused(cast, funding):
    assert_refused_on("currency", record, cast, funding, source="eu", currency="XXY")


# --- exchange rates -------------------------------------------------------------------------


@pytest.mark.parametrize("rate", [None, "0", "-13.5"])
def test_a_foreign_amount_needs_a_rate_above_zero(cast, funding, rate):
    assert_refused_on(
        "exchange_rate",
        record,
        cast,
        funding,
        source="eu",
        exchange_rate=None if rate is None else Decimal(rate),
    )


@pytest.mark.parametrize("rate", ["13.12345678901", "1000000000000"])
def test_a_rate_the_column_cannot_hold_as_entered_is_refused(cast, funding, rate):
    """Stored rounded, the rate would no longer give the base amounts computed from it."""
    assert_refused_on(
        "exchange_rate", record, cast, funding, source="eu", exchange_rate=Decimal(rate)
    )


def test_a_rate_with_ten_decimals_is_kept_as_entered(cast, funding):
    recorded = record(cast, funding, source="eu", exchange_rate=Decimal("13.1234567891"))
    recorded.refresh_from_db()
    assert recorded.exchange_rate == Decimal("13.1234567891")
    assert recorded.base_amount == Decimal("13123.46")


def test_a_foreign_amount_needs_the_date_of_its_rate(cast, funding):
    assert_refused_on("rate_date", record, cast, funding, source="eu", rate_date=None)


# --- stages and parts -------------------------------------------------------------------------


def test_more_disbursed_than_the_amount_is_refused(cast, funding):
    assert_refused_on("disbursed", record, cast, funding, stage="disbursed", disbursed="1000.01")


@pytest.mark.parametrize("stage", ["identified", "pledged", "committed"])
def test_an_amount_disbursed_needs_the_disbursed_stage(cast, funding, stage):
    assert_refused_on("disbursed", record, cast, funding, stage=stage, disbursed="100")


def test_the_disbursed_stage_needs_the_amount_disbursed(cast, funding):
    assert_refused_on("disbursed", record, cast, funding, stage="disbursed")
    assert_refused_on("disbursed", record, cast, funding, stage="disbursed", disbursed="0")


def test_a_local_part_larger_than_the_amount_is_refused(cast, funding):
    assert_refused_on(
        "to_local_actors",
        record,
        cast,
        funding,
        to_local_actors="1000.01",
        local_channel="direct",
        local_actors=[funding["local_actor"]],
    )


def test_a_local_part_needs_the_local_actors_receiving_it(cast, funding):
    assert_refused_on(
        "local_actors", record, cast, funding, to_local_actors="100", local_channel="direct"
    )


def test_local_actors_need_the_part_they_receive(cast, funding):
    assert_refused_on(
        "to_local_actors", record, cast, funding, local_actors=[funding["local_actor"]]
    )


def test_a_local_part_needs_how_it_reaches_them(cast, funding):
    assert_refused_on(
        "local_channel",
        record,
        cast,
        funding,
        to_local_actors="100",
        local_actors=[funding["local_actor"]],
    )


@pytest.mark.parametrize("who", ["ministry_x", "local actor of no plan", "local actor of plan B"])
def test_the_local_actors_are_local_actors_of_the_plan(cast, funding, who):
    if who == "ministry_x":
        stranger = cast.ministry_x  # takes part, but is no local actor
    else:
        stranger = factories.OrganisationFactory(name=who, is_local_actor=True)
        if who.endswith("plan B"):
            participation_add(
                actor=cast.administrator,
                plan=cast.plan_b,
                organisation=stranger,
                signatory_required=False,
            )
    assert_refused_on(
        "local_actors",
        record,
        cast,
        funding,
        to_local_actors="100",
        local_channel="intermediary",
        local_actors=[funding["local_actor"], stranger],
    )


# --- another plan's records -------------------------------------------------------------------


@pytest.fixture
def plan_b_funding(cast, catalogue):
    """Plan B's own intervention and source, led and provided by the city."""
    prioritised = prioritised_target_add(
        actor=cast.coordinator_b,
        plan=cast.plan_b,
        target=Target.objects.get(code="10.7"),
        rationale="Accra's recruitment agencies",
    )
    intervention = intervention_create(
        actor=cast.coordinator_b,
        plan=cast.plan_b,
        intervention=Intervention(
            title="Migrant help desk",
            level="programme",
            sector="labour",
            lead_organisation=cast.city_b,
        ),
        links=Links(targets={prioritised.pk: "A desk at the bus station"}),
    )
    source = source_create(
        actor=cast.coordinator_b,
        plan=cast.plan_b,
        source=FundingSource(
            name="Accra budget", provider=cast.city_b, kind=SourceKind.LOCAL_BUDGET, currency="GHS"
        ),
    )
    return {"intervention": intervention, "source": source}


def test_a_source_of_another_plan_is_refused(cast, funding, plan_b_funding):
    assert_refused_on(
        "source", commit, cast.coordinator_a, funding["fair"], plan_b_funding["source"], amount="10"
    )
    recorded = record(cast, funding)
    assert_refused_on(
        "source",
        commitment_update,
        actor=cast.coordinator_a,
        commitment=recorded,
        expected_version=recorded.version,
        data={"source": plan_b_funding["source"]},
    )
    assert Commitment.objects.get(pk=recorded.pk).source == funding["budget"]


def test_an_intervention_of_another_plan_is_refused(cast, funding, plan_b_funding):
    values = {
        "source": funding["budget"],
        "stage": Stage.COMMITTED,
        "amount": Decimal("10"),
        "currency": "GHS",
        "dated": DATED,
    }
    assert set(commitment_problems(cast.plan_a, plan_b_funding["intervention"], values)) == {
        "intervention"
    }
    assert commitment_problems(cast.plan_a, funding["fair"], values) == {}
    # Through the service, the plan is the intervention's: plan A's source is the stranger.
    assert_refused_on(
        "source",
        commit,
        cast.coordinator_a,
        plan_b_funding["intervention"],
        funding["budget"],
        amount="10",
    )


# --- sources and engagements ------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["Labour budget line", "LABOUR BUDGET LINE", "  labour budget line "]
)
def test_a_source_name_is_used_once_in_a_plan(cast, funding, name):
    source = FundingSource(
        name=name, provider=cast.ministry_x, kind=SourceKind.NATIONAL_BUDGET, currency="GHS"
    )
    assert_refused_on(
        "name", source_create, actor=cast.coordinator_a, plan=cast.plan_a, source=source
    )
    eu = funding["eu"]
    assert_refused_on(
        "name",
        source_update,
        actor=cast.coordinator_a,
        source=eu,
        expected_version=eu.version,
        data={"name": name},
    )
    assert FundingSource.objects.get(pk=eu.pk).name == "EU migration fund"


def test_the_same_source_name_in_another_plan_is_fine(cast, funding):
    made = source_create(
        actor=cast.coordinator_b,
        plan=cast.plan_b,
        source=FundingSource(
            name="Labour budget line",
            provider=cast.city_b,
            kind=SourceKind.LOCAL_BUDGET,
            currency="GHS",
        ),
    )
    assert made.plan == cast.plan_b


@pytest.mark.parametrize("name", ["", "   "])
def test_a_source_needs_a_name(cast, funding, name):
    source = FundingSource(
        name=name, provider=cast.ministry_x, kind=SourceKind.NATIONAL_BUDGET, currency="GHS"
    )
    assert_refused_on(
        "name", source_create, actor=cast.coordinator_a, plan=cast.plan_a, source=source
    )


def test_a_source_in_an_unknown_currency_is_refused(cast, funding):
    source = FundingSource(
        name="Gulf fund",
        provider=cast.ministry_x,
        kind=SourceKind.MULTILATERAL_FUND,
        currency="XXY",
    )
    assert_refused_on(
        "currency", source_create, actor=cast.coordinator_a, plan=cast.plan_a, source=source
    )


def test_a_consultation_engagement_names_the_consultation(cast, funding, donor):
    engagement = Engagement(held_on=DATED, partner=donor, kind=EngagementKind.CONSULTATION)
    assert_refused_on(
        "consultation",
        engagement_create,
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        engagement=engagement,
        interventions=[funding["fair"]],
    )


# --- what money holds in place ------------------------------------------------------------------


def test_the_base_currency_stays_while_commitments_are_converted_to_it(cast, funding):
    def change_to(currency: str) -> None:
        plan = ActionPlan.objects.get(pk=cast.plan_a.pk)
        plan_update(
            actor=cast.coordinator_a,
            plan=plan,
            expected_version=plan.version,
            data={"base_currency": currency},
        )

    recorded = record(cast, funding, source="eu")
    version = ActionPlan.objects.get(pk=cast.plan_a.pk).version
    assert_refused_on("base_currency", change_to, "EUR")
    plan = ActionPlan.objects.get(pk=cast.plan_a.pk)
    assert (plan.base_currency, plan.version) == ("GHS", version)

    commitment_remove(actor=cast.coordinator_a, commitment=recorded)
    change_to("EUR")
    assert ActionPlan.objects.get(pk=cast.plan_a.pk).base_currency == "EUR"


def test_an_intervention_with_commitments_is_not_removed(cast, funding):
    recorded = record(cast, funding)
    fair = funding["fair"]
    with pytest.raises(ValidationError) as refusal:
        intervention_remove(actor=cast.coordinator_a, intervention=fair)
    assert refusal.value.messages == [
        "“Fair recruitment” still has commitments recorded against it. Remove those first."
    ]
    assert Intervention.objects.filter(pk=fair.pk).exists()
    assert Commitment.objects.filter(pk=recorded.pk).exists()

    commitment_remove(actor=cast.coordinator_a, commitment=recorded)
    intervention_remove(actor=cast.coordinator_a, intervention=fair)
    assert not Intervention.objects.filter(pk=fair.pk).exists()


def test_a_source_used_by_commitments_is_not_removed(cast, funding, targets_a):
    data = make_intervention(cast, targets_a, title="Migration data")
    first = record(cast, funding)
    commit(cast.coordinator_a, data, funding["budget"], amount="5")
    budget = funding["budget"]
    with pytest.raises(ValidationError) as refusal:
        source_remove(actor=cast.coordinator_a, source=budget)
    assert refusal.value.messages == [
        "Commitments to “Fair recruitment”, “Migration data” come from “Labour budget line”. "
        "Remove those first."
    ]
    assert FundingSource.objects.filter(pk=budget.pk).exists()
    assert Commitment.objects.filter(source=budget).count() == 2

    for commitment in Commitment.objects.filter(source=budget):
        commitment_remove(actor=cast.coordinator_a, commitment=commitment)
    source_remove(actor=cast.coordinator_a, source=budget)
    assert not FundingSource.objects.filter(pk=budget.pk).exists()
    assert not Commitment.objects.filter(pk=first.pk).exists()


# --- a change refused leaves the commitment as it was -------------------------------------------


@pytest.mark.parametrize(
    ("field", "data"),
    [
        ("amount", {"amount": Decimal("0")}),
        ("amount", {"amount": Decimal("1000.125")}),
        ("currency", {"currency": "XXY"}),
        ("exchange_rate", {"exchange_rate": None}),
        ("rate_date", {"rate_date": None}),
        ("disbursed", {"stage": Stage.DISBURSED}),
        ("disbursed", {"disbursed": Decimal("10")}),
        ("to_local_actors", {"to_local_actors": Decimal("2000"), "local_channel": "direct"}),
    ],
)
def test_a_bad_change_leaves_the_commitment_as_it_was(cast, funding, field, data):
    recorded = record(
        cast,
        funding,
        source="eu",
        to_local_actors="100",
        local_channel="direct",
        local_actors=[funding["local_actor"]],
    )
    before = Commitment.objects.filter(pk=recorded.pk).values().get()
    history = recorded.history.count()
    assert_refused_on(
        field,
        commitment_update,
        actor=cast.coordinator_a,
        commitment=recorded,
        expected_version=recorded.version,
        data=data,
    )
    assert Commitment.objects.filter(pk=recorded.pk).values().get() == before
    assert recorded.history.count() == history
