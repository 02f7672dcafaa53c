"""Who may record which money (funding/rules.py), through the services and the rule.

An organisation's editors and coordinators record commitments of the sources it
provides: at any stage to the interventions it leads, and as a pledge (identified or
pledged) to any intervention of the plan, as a donor does. Those who keep the resource
mobilisation plan (here the lead ministry's coordinator) record every commitment at every
stage. A source's provider is the recorder's own organisation, unless they keep the
resource mobilisation plan.

The services and ``PlanAccess.may_on(COMMITMENT_EDIT, …)`` (the pages' links and
buttons) must give the same answer: the matrix below checks both against the rule as
the docstring states it, for every member of the cast, source, intervention and stage.
"""

from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from action_plans.permissions import plan_for_user_or_404
from action_plans.policy import ACTING_ROLES, PlanAction
from funding.models import Commitment, FundingSource, SourceKind, Stage
from funding.rules import COMMITMENT_EDIT
from funding.services import commitment_update, source_create, source_update
from msd_planner.lib.errors import ObjectHidden
from tests.conftest import Cast
from tests.funding.conftest import commit
from tests.interventions.conftest import make_intervention

DATED = date(2026, 3, 1)
PLEDGES = (Stage.IDENTIFIED, Stage.PLEDGED)


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def refused_on(service, *args, **kwargs) -> set[str]:
    """The fields the refusal of ``service(*args, **kwargs)`` names (it must be refused)."""
    with pytest.raises(ValidationError) as refusal:
        service(*args, **kwargs)
    return set(refusal.value.error_dict) if hasattr(refusal.value, "error_dict") else {"__all__"}


@pytest.fixture
def money(cast, targets_a, donor, sources):
    """Plan A's sources — ministry X's budget line (GHS), the donor's fund (EUR), ministry
    Y's budget line (GHS) — and interventions led by ministry X, ministry Y, the lead
    ministry and the donor."""
    sources["health"] = source_create(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        source=FundingSource(
            name="Health budget line",
            provider=cast.ministry_y,
            kind=SourceKind.NATIONAL_BUDGET,
            currency="GHS",
        ),
    )
    interventions = {
        "fair": make_intervention(cast, targets_a),
        "data": make_intervention(cast, targets_a, title="Migration data", lead=cast.ministry_y),
        "return": make_intervention(cast, targets_a, title="Return desk", lead=cast.lead_ministry),
        "bonds": make_intervention(cast, targets_a, title="Diaspora bonds", lead=donor),
    }
    return {"sources": sources, "interventions": interventions, "donor": donor}


def at(stage: str) -> dict:
    """A commitment's values at ``stage`` (in the source's currency, at 13.5 GHS a euro)."""
    values = {"amount": "1000", "stage": stage}
    if stage == Stage.DISBURSED:
        values["disbursed"] = "400"
    return values


# --- the rule as the docstring states it -------------------------------------------------


def user_of(cast, donor, role: str):
    return donor.editor if role == "donor_editor" else cast.user(role)


def acting_organisation_id(cast, donor, role: str) -> int | None:
    """The organisation of plan A that ``role`` acts for (as an editor or coordinator)."""
    if role == "donor_editor":
        return donor.pk
    membership = cast.membership(role)
    if membership is None:
        return None
    organisation, member_role = membership
    if member_role not in ACTING_ROLES or organisation.pk not in cast.participants(cast.plan_a):
        return None
    return organisation.pk


def keeps_resource_mobilisation(cast, role: str) -> bool:
    if role == "donor_editor":
        return False
    return PlanAction.MOBILISE_RESOURCES in cast.expected_actions(role, cast.plan_a)


def expected_refusal(cast, donor, role, source, intervention, stage) -> str | None:
    """The field a commitment is refused on, per the rule (None: recorded)."""
    if keeps_resource_mobilisation(cast, role):
        return None
    own = acting_organisation_id(cast, donor, role)
    if own is None or source.provider_id != own:
        return "source"
    if intervention.lead_organisation_id != own and stage not in PLEDGES:
        return "stage"
    return None


def may_on_commitment(user, plan, commitment) -> bool:
    try:
        access = plan_for_user_or_404(user, plan.pk)
    except ObjectHidden:
        return False
    return access.may_on(COMMITMENT_EDIT, commitment)


@pytest.mark.parametrize(
    "role", [*(role for role in Cast.ROLES if role != "anonymous"), "donor_editor"]
)
def test_the_services_and_the_rule_follow_the_docstring(cast, money, role):
    donor = money["donor"]
    user = user_of(cast, donor, role)
    wrong = []
    for source_name, source in money["sources"].items():
        for title, intervention in money["interventions"].items():
            for stage in Stage.values:
                case = (source_name, title, stage)
                expected = expected_refusal(cast, donor, role, source, intervention, stage)
                values = at(stage)
                with rolled_back():
                    # Recording it.
                    count = Commitment.objects.count()
                    try:
                        commit(user, intervention, source, **values)
                        got = None
                    except ValidationError as refusal:
                        got = ",".join(sorted(refusal.error_dict))
                        if Commitment.objects.count() != count:
                            wrong.append((*case, "saved although refused"))
                    if got != expected:
                        wrong.append((*case, f"create: expected {expected}, got {got}"))
                with rolled_back():
                    # Changing it, once recorded by those who may; and the links shown.
                    recorded = commit(cast.coordinator_a, intervention, source, **values)
                    may = may_on_commitment(user, cast.plan_a, recorded)
                    if may != (expected is None):
                        wrong.append((*case, f"may_on: {may}, expected refusal {expected}"))
                    try:
                        commitment_update(
                            actor=user,
                            commitment=recorded,
                            expected_version=recorded.version,
                            data={"notes": "Revised"},
                        )
                        changed = True
                    except ValidationError:
                        changed = False
                    if changed != (expected is None):
                        wrong.append((*case, f"update: {changed}, expected refusal {expected}"))
                    if not changed:
                        assert Commitment.objects.get(pk=recorded.pk).notes == ""
    assert wrong == []


# --- the cases by name ---------------------------------------------------------------------


@pytest.mark.parametrize("stage", Stage.values)
def test_an_editor_records_its_own_source_to_its_own_intervention_at_any_stage(cast, money, stage):
    fair = money["interventions"]["fair"]
    recorded = commit(cast.editor_x, fair, money["sources"]["budget"], **at(stage))
    assert recorded.stage == stage
    assert may_on_commitment(cast.editor_x, cast.plan_a, recorded)
    assert not may_on_commitment(cast.editor_y, cast.plan_a, recorded)


@pytest.mark.parametrize("title", ["fair", "data", "return", "bonds"])
@pytest.mark.parametrize("stage", PLEDGES)
def test_a_donor_pledges_its_own_source_to_any_intervention_of_the_plan(cast, money, title, stage):
    donor = money["donor"]
    pledge = commit(
        donor.editor,
        money["interventions"][title],
        money["sources"]["eu"],
        amount="5000",
        stage=stage,
    )
    assert pledge.base_amount == Decimal("67500")
    assert may_on_commitment(donor.editor, cast.plan_a, pledge)


@pytest.mark.parametrize("title", ["fair", "data", "return"])
@pytest.mark.parametrize("stage", [Stage.COMMITTED, Stage.DISBURSED])
def test_a_donor_may_not_commit_or_disburse_to_another_organisations_intervention(
    cast, money, title, stage
):
    donor = money["donor"]
    intervention = money["interventions"][title]
    source = money["sources"]["eu"]
    assert refused_on(commit, donor.editor, intervention, source, **at(stage)) == {"stage"}
    assert not Commitment.objects.exists()
    # Recorded so by those who keep the resource mobilisation plan, it is no longer the
    # donor's to change.
    recorded = commit(cast.coordinator_a, intervention, source, **at(stage))
    assert not may_on_commitment(donor.editor, cast.plan_a, recorded)


@pytest.mark.parametrize("stage", Stage.values)
def test_a_donor_records_any_stage_to_an_intervention_it_leads(cast, money, stage):
    donor = money["donor"]
    recorded = commit(
        donor.editor, money["interventions"]["bonds"], money["sources"]["eu"], **at(stage)
    )
    assert may_on_commitment(donor.editor, cast.plan_a, recorded)


@pytest.mark.parametrize("source_name", ["budget", "health"])
@pytest.mark.parametrize("stage", Stage.values)
def test_a_donor_may_not_use_another_organisations_source(cast, money, source_name, stage):
    donor = money["donor"]
    source = money["sources"][source_name]
    for intervention in money["interventions"].values():
        assert refused_on(commit, donor.editor, intervention, source, **at(stage)) == {"source"}
    assert not Commitment.objects.exists()


def test_editor_y_may_not_use_ministry_xs_source(cast, money):
    budget = money["sources"]["budget"]
    for intervention in money["interventions"].values():
        for stage in Stage.values:
            assert refused_on(commit, cast.editor_y, intervention, budget, **at(stage)) == {
                "source"
            }
    assert not Commitment.objects.exists()
    # Its own budget line, to its own intervention, at any stage.
    commit(
        cast.editor_y,
        money["interventions"]["data"],
        money["sources"]["health"],
        stage="committed",
        amount="10",
    )


def test_the_lead_ministrys_coordinator_records_all_of_it(cast, money):
    assert PlanAction.MOBILISE_RESOURCES in cast.expected_actions("coordinator_a", cast.plan_a)
    for source in money["sources"].values():
        for intervention in money["interventions"].values():
            for stage in Stage.values:
                recorded = commit(cast.coordinator_a, intervention, source, **at(stage))
                assert may_on_commitment(cast.coordinator_a, cast.plan_a, recorded)
    assert Commitment.objects.count() == 3 * 4 * 4


@pytest.mark.parametrize(
    "role", ["viewer_x", "signatory_x", "outsider", "coordinator_b", "administrator"]
)
def test_those_who_do_not_act_for_a_provider_are_refused(cast, money, role):
    user = cast.user(role)
    budget = money["sources"]["budget"]
    fair = money["interventions"]["fair"]
    for stage in Stage.values:
        assert refused_on(commit, user, fair, budget, **at(stage)) == {"source"}
    assert not Commitment.objects.exists()
    recorded = commit(cast.coordinator_a, fair, budget, stage="pledged", amount="10")
    assert not may_on_commitment(user, cast.plan_a, recorded)


# --- changing a commitment -----------------------------------------------------------------


def test_a_donor_may_not_turn_its_pledge_into_a_commitment_to_anothers_intervention(cast, money):
    donor = money["donor"]
    pledge = commit(
        donor.editor,
        money["interventions"]["fair"],
        money["sources"]["eu"],
        amount="5000",
        stage="pledged",
    )
    before = Commitment.objects.filter(pk=pledge.pk).values().get()
    history = pledge.history.count()

    assert refused_on(
        commitment_update,
        actor=donor.editor,
        commitment=pledge,
        expected_version=pledge.version,
        data={"stage": Stage.COMMITTED},
    ) == {"stage"}

    assert Commitment.objects.filter(pk=pledge.pk).values().get() == before
    assert pledge.history.count() == history
    # A change that keeps it a pledge is the donor's to make.
    commitment_update(
        actor=donor.editor,
        commitment=pledge,
        expected_version=pledge.version,
        data={"amount": Decimal("6000")},
    )
    assert Commitment.objects.get(pk=pledge.pk).base_amount == Decimal("81000")


def test_a_pledge_made_a_commitment_by_the_lead_body_is_no_longer_the_donors_to_change(cast, money):
    donor = money["donor"]
    pledge = commit(
        donor.editor,
        money["interventions"]["fair"],
        money["sources"]["eu"],
        amount="5000",
        stage="pledged",
    )
    commitment_update(
        actor=cast.coordinator_a,
        commitment=pledge,
        expected_version=pledge.version,
        data={"stage": Stage.COMMITTED},
    )
    pledge.refresh_from_db()
    assert not may_on_commitment(donor.editor, cast.plan_a, pledge)
    before = Commitment.objects.filter(pk=pledge.pk).values().get()
    for data in ({"stage": Stage.PLEDGED}, {"notes": "Signed"}):
        assert refused_on(
            commitment_update,
            actor=donor.editor,
            commitment=pledge,
            expected_version=pledge.version,
            data=data,
        ) == {"__all__"}
    assert Commitment.objects.filter(pk=pledge.pk).values().get() == before


def test_an_editor_may_not_move_a_commitment_to_anothers_source(cast, money):
    recorded = commit(
        cast.editor_x, money["interventions"]["fair"], money["sources"]["budget"], amount="10"
    )
    for source in (money["sources"]["health"], money["sources"]["eu"]):
        data = {"source": source, "currency": source.currency}
        if source.currency != "GHS":
            data.update(exchange_rate=Decimal("13.5"), rate_date=DATED)
        assert refused_on(
            commitment_update,
            actor=cast.editor_x,
            commitment=recorded,
            expected_version=recorded.version,
            data=data,
        ) == {"source"}
    assert Commitment.objects.get(pk=recorded.pk).source_id == money["sources"]["budget"].pk


# --- sources ---------------------------------------------------------------------------------


def _source(provider, name="Remittance matching") -> FundingSource:
    return FundingSource(
        name=name, provider=provider, kind=SourceKind.REMITTANCE_SCHEME, currency="GHS"
    )


@pytest.mark.parametrize(
    ("role", "own"),
    [
        ("editor_x", "ministry_x"),
        ("coordinator_x", "ministry_x"),
        ("editor_y", "ministry_y"),
        ("editor_s", "statistics_office"),
        ("donor_editor", "donor"),
    ],
)
def test_a_source_is_provided_by_the_editors_own_organisation(cast, money, role, own):
    donor = money["donor"]
    user = user_of(cast, donor, role)
    own_organisation = donor if own == "donor" else getattr(cast, own)
    made = source_create(actor=user, plan=cast.plan_a, source=_source(own_organisation))
    assert made.provider == own_organisation
    others = [cast.ministry_x, cast.ministry_y, cast.lead_ministry, donor, cast.outside_org]
    count = FundingSource.objects.count()
    for other in others:
        if other == own_organisation:
            continue
        assert refused_on(
            source_create,
            actor=user,
            plan=cast.plan_a,
            source=_source(other, f"Fund of {other.pk}"),
        ) == {"provider"}
        assert refused_on(
            source_update,
            actor=user,
            source=made,
            expected_version=made.version,
            data={"provider": other},
        ) == {"provider"}
    assert FundingSource.objects.count() == count
    assert FundingSource.objects.get(pk=made.pk).provider == own_organisation


def test_those_who_keep_the_resource_mobilisation_plan_name_any_provider(cast, money):
    for number, provider in enumerate([cast.ministry_y, money["donor"], cast.outside_org]):
        made = source_create(
            actor=cast.coordinator_a, plan=cast.plan_a, source=_source(provider, f"Fund {number}")
        )
        assert made.provider == provider


@pytest.mark.parametrize(
    "role", ["viewer_x", "signatory_x", "outsider", "coordinator_b", "administrator"]
)
def test_those_who_do_not_act_for_the_provider_may_not_record_its_sources(cast, money, role):
    user = cast.user(role)
    count = FundingSource.objects.count()
    for provider in (cast.ministry_x, cast.outside_org, cast.city_b):
        assert refused_on(
            source_create, actor=user, plan=cast.plan_a, source=_source(provider)
        ) == {"provider"}
    assert FundingSource.objects.count() == count


def test_a_donor_may_no_longer_remove_its_pledge_once_it_is_committed(
    cast, targets_a, sources, donor
):
    from funding.services import commitment_remove

    intervention = make_intervention(cast, targets_a)
    pledge = commit(donor.editor, intervention, sources["eu"], amount="1000", stage="pledged")
    commitment_update(
        actor=cast.coordinator_a,
        commitment=pledge,
        expected_version=pledge.version,
        data={"stage": "committed"},
    )
    with pytest.raises(ValidationError, match="no longer remove"):
        commitment_remove(actor=donor.editor, commitment=pledge)
    assert Commitment.objects.filter(pk=pledge.pk).exists()
