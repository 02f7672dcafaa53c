"""Two people at once, on two real PostgreSQL connections: no lost update, no 500.

Every versioned edit saved twice from the same opened version saves one and refuses the
other; an edit racing a removal is told the record is gone; a removal twice removes once;
governance changes that lock the plan row never deadlock; the rules that span records
hold when both records change at once; the first two targets of a plan can be added at
the same moment.
"""

import threading
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from action_plans.models import ActionPlan
from action_plans.services import plan_update
from governance.models import LeadModel, Membership, Participation, Role
from governance.services.lead_arrangement import LeadArrangementData, lead_arrangement_set
from governance.services.memberships import (
    membership_add,
    membership_remove,
    membership_role_update,
    membership_set,
)
from governance.services.organisations import organisation_update
from governance.services.participations import (
    participation_add,
    participation_remove,
    participation_update,
)
from interventions.models import Intervention, ResultIndicator
from interventions.services import (
    Links,
    indicator_create,
    indicator_update,
    intervention_create,
    intervention_update,
)
from msd_planner.lib.versioned_edit import EditConflict, RecordRemoved
from targets.models import (
    Coherence,
    Consultation,
    Framework,
    FrameworkAssessment,
    PrioritisedTarget,
    ScoringCriterion,
    Target,
)
from targets.services import (
    baseline_update,
    consultation_create,
    consultation_delete,
    consultation_update,
    framework_assessments_set,
    framework_create,
    framework_delete,
    framework_update,
    prioritised_target_add,
    prioritised_target_remove,
    prioritised_target_update,
    proposal_decide,
    proposal_update,
    proposal_withdraw,
    scoring_criteria_set,
    target_scores_set,
)
from tests import factories
from tests.conftest import arrangement_version

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite's shared in-memory test database refuses concurrent writers",
    ),
]


def race(*actions: Callable[[], object]) -> list[str]:
    """Run the actions at the same moment, each on its own connection; what each got."""
    start = threading.Barrier(len(actions))
    outcomes: list[str] = [""] * len(actions)

    def run(index: int, action: Callable[[], object]) -> None:
        try:
            start.wait()
            action()
            outcomes[index] = "saved"
        except EditConflict:
            outcomes[index] = "conflict"
        except RecordRemoved:
            outcomes[index] = "removed"
        except ValidationError as error:
            outcomes[index] = f"refused: {' '.join(error.messages)}"
        except Exception as error:  # the test reports any other failure as it is
            outcomes[index] = f"error: {type(error).__name__}: {error}"
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def _target(cast, code="10.7"):
    return prioritised_target_add(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        target=Target.objects.get(code=code),
        rationale="Start",
    )


def _framework(cast):
    return framework_create(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        framework=Framework(name="Labour Migration Policy", kind="plan", level="national"),
    )


def _consultation(cast):
    return consultation_create(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        consultation=Consultation(held_on=date(2026, 1, 15), kind="review_workshop", title="W"),
        organisations=[cast.lead_ministry],
        prioritised_targets=[],
        frameworks=[],
    )


# --- every versioned edit: two saves from one opened version -----------------------------


def _plan_edit(cast):
    plan = ActionPlan.objects.get(pk=cast.plan_a.pk)
    return lambda title: plan_update(
        actor=cast.coordinator_a, plan=plan, expected_version=plan.version, data={"title": title}
    )


def _organisation_edit(cast):
    organisation = cast.ministry_x
    return lambda name: organisation_update(
        actor=cast.administrator,
        organisation=organisation,
        expected_version=organisation.version,
        data={"acronym": name[:10]},
    )


def _membership_edit(cast):
    membership = Membership.objects.get(user=cast.viewer_x)
    roles = {"a": Role.EDITOR, "b": Role.SIGNATORY}
    return lambda name: membership_role_update(
        actor=cast.administrator,
        membership=membership,
        expected_version=membership.version,
        role=roles[name],
    )


def _lead_arrangement_edit(cast):
    opened = arrangement_version(cast.plan_a)
    return lambda name: lead_arrangement_set(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        expected_version=opened,
        data=LeadArrangementData(
            model=LeadModel.SINGLE, leads=[cast.lead_ministry], notes=f"by {name}"
        ),
    )


def _participation_edit(cast):
    participation = Participation.objects.get(plan=cast.plan_a, organisation=cast.ministry_y)
    return lambda name: participation_update(
        actor=cast.coordinator_a,
        participation=participation,
        expected_version=participation.version,
        signatory_required=False,  # both untick the box the user saw ticked
    )


def _target_edit(cast):
    item = _target(cast)
    return lambda name: prioritised_target_update(
        actor=cast.coordinator_a,
        prioritised_target=item,
        expected_version=item.version,
        data={"rationale": f"by {name}"},
    )


def _baseline_edit(cast):
    item = _target(cast)
    return lambda name: baseline_update(
        actor=cast.editor_s,
        prioritised_target=item,
        expected_version=item.version,
        data={"baseline_source": f"survey by {name}"},
    )


def _proposal_edit(cast):
    proposal = prioritised_target_add(
        actor=cast.editor_x,
        plan=cast.plan_a,
        target=Target.objects.get(code="8.7"),
        rationale="Start",
        proposer_organisation=cast.ministry_x,
    )
    return lambda name: proposal_update(
        actor=cast.editor_x,
        proposal=proposal,
        expected_version=proposal.version,
        data={"rationale": f"by {name}"},
    )


def _intervention_edit(cast):
    from tests.test_url_matrix import _intervention_kwargs

    intervention = Intervention.objects.get(pk=_intervention_kwargs(cast)["intervention_pk"])
    links = Links(targets={intervention.addressed_targets.get().prioritised_target_id: ""})
    return lambda name: intervention_update(
        actor=cast.editor_x,
        intervention=intervention,
        expected_version=intervention.version,
        data={"title": f"by {name}"},
        links=links,
    )


def _scores_edit(cast):
    item = _target(cast)
    criteria = list(cast.plan_a.scoring_criteria.values_list("id", flat=True))
    return lambda name: target_scores_set(
        actor=cast.coordinator_a,
        prioritised_target=item,
        expected_version=item.version,
        scores=dict.fromkeys(criteria, 1 if name == "a" else 5),
    )


def _criteria_edit(cast):
    _target(cast)
    plan = ActionPlan.objects.get(pk=cast.plan_a.pk)
    criteria = list(plan.scoring_criteria.all())
    return lambda name: scoring_criteria_set(
        actor=cast.coordinator_a,
        plan=plan,
        expected_version=plan.version,
        criteria=[(c.id, c.name, Decimal(2 if name == "a" else 3)) for c in criteria],
    )


def _framework_edit(cast):
    framework = _framework(cast)
    return lambda name: framework_update(
        actor=cast.coordinator_a,
        framework=framework,
        expected_version=framework.version,
        data={"reference": f"by {name}"},
    )


def _assessments_edit(cast):
    item = _target(cast)
    framework = _framework(cast)
    return lambda name: framework_assessments_set(
        actor=cast.coordinator_a,
        framework=framework,
        expected_version=framework.version,
        assessments={item.id: (Coherence.GAP, f"by {name}")},
    )


def _consultation_edit(cast):
    consultation = _consultation(cast)
    return lambda name: consultation_update(
        actor=cast.coordinator_a,
        consultation=consultation,
        expected_version=consultation.version,
        data={
            "title": f"by {name}",
            "organisations": [cast.lead_ministry, cast.ministry_x]
            if name == "a"
            else [cast.ministry_y],
        },
    )


def _result_indicator_edit(cast):
    prioritised = _target(cast)
    intervention = intervention_create(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        intervention=Intervention(
            title="Fair recruitment",
            level="programme",
            sector="labour",
            lead_organisation=cast.ministry_x,
        ),
        links=Links(targets={prioritised.pk: ""}),
    )
    indicator = indicator_create(
        actor=cast.coordinator_a,
        intervention=intervention,
        indicator=ResultIndicator(name="Workers recruited fairly", unit="people"),
        target_values={2030: Decimal(300)},
    )
    return lambda name: indicator_update(
        actor=cast.editor_x,
        indicator=indicator,
        expected_version=indicator.version,
        data={"unit": f"people ({name})"},
        target_values={2030: Decimal(300 if name == "a" else 400)},
    )


def _disbursement_record(cast):
    from funding.services import commitment_disbursement_record
    from tests.test_url_matrix import _commitment_of_x

    commitment = _commitment_of_x(cast)
    return lambda name: commitment_disbursement_record(
        actor=cast.editor_x,
        commitment=commitment,
        expected_version=commitment.version,
        disbursed=Decimal(1000 if name == "a" else 2000),
    )


def _source_edit(cast):
    from funding.services import source_update
    from tests.test_url_matrix import _source_of_x

    source = _source_of_x(cast)
    return lambda name: source_update(
        actor=cast.coordinator_a,
        source=source,
        expected_version=source.version,
        data={"description": f"Described by {name}"},
    )


def _commitment_edit(cast):
    from funding.services import commitment_update
    from tests.test_url_matrix import _commitment_of_x

    commitment = _commitment_of_x(cast)
    return lambda name: commitment_update(
        actor=cast.coordinator_a,
        commitment=commitment,
        expected_version=commitment.version,
        data={"amount": Decimal(300000 if name == "a" else 400000)},
    )


def _strategy_write(cast):
    """Two people writing an intervention's first strategy: one strategy, one conflict."""
    from funding.services import strategy_save
    from tests.test_url_matrix import _intervention_of_x

    intervention = _intervention_of_x(cast)
    return lambda name: strategy_save(
        actor=cast.coordinator_a,
        intervention=intervention,
        expected_version=0,
        data={"strategy": f"Approach partners ({name})", "partners_to_approach": []},
    )


def _localisation_target_write(cast):
    """Two people setting the plan's first localisation target: one target, one
    conflict."""
    from funding.services import localisation_target_save

    return lambda name: localisation_target_save(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        expected_version=0,
        data={"of_committed": Decimal(25 if name == "a" else 30), "of_disbursed": None},
    )


def _engagement_edit(cast):
    from funding.services import engagement_update
    from tests.test_url_matrix import _engagement

    engagement = _engagement(cast)
    return lambda name: engagement_update(
        actor=cast.coordinator_a,
        engagement=engagement,
        expected_version=engagement.version,
        data={"interests": f"Noted by {name}"},
    )


def _progress_review(cast):
    """Two reviewers deciding on one submitted value: one decides, the other is told."""
    from interventions.services import progress_approve, progress_return
    from tests.test_url_matrix import _progress

    progress = _progress(cast)
    return lambda name: (
        progress_approve(actor=cast.editor_s, progress=progress, expected_version=progress.version)
        if name == "a"
        else progress_return(
            actor=cast.coordinator_a,
            progress=progress,
            expected_version=progress.version,
            comment="Check the source.",
        )
    )


def _capacity_need_edit(cast):
    from funding.services import capacity_need_update
    from tests.test_url_matrix import _need

    need = _need(cast)
    return lambda name: capacity_need_update(
        actor=cast.coordinator_x,
        need=need,
        expected_version=need.version,
        data={"why": f"Said by {name}"},
    )


VERSIONED_EDITS = {
    "progress review": _progress_review,
    "plan details": _plan_edit,
    "organisation": _organisation_edit,
    "membership role": _membership_edit,
    "lead arrangement": _lead_arrangement_edit,
    "signature required": _participation_edit,
    "prioritised target": _target_edit,
    "intervention": _intervention_edit,
    "baseline": _baseline_edit,
    "proposal": _proposal_edit,
    "scores": _scores_edit,
    "scoring criteria": _criteria_edit,
    "framework": _framework_edit,
    "framework assessments": _assessments_edit,
    "consultation": _consultation_edit,
    "result indicator": _result_indicator_edit,
    "disbursement": _disbursement_record,
    "funding source": _source_edit,
    "commitment": _commitment_edit,
    "mobilisation strategy": _strategy_write,
    "localisation target": _localisation_target_write,
    "engagement": _engagement_edit,
    "capacity need": _capacity_need_edit,
}

# Every model under the versioned-edit contract, and the race above that proves its edit
# loses no update: a new versioned record type fails here until it has its race.
RACED_MODELS = {
    "action_plans.ActionPlan": "plan details",
    "funding.CapacityNeed": "capacity need",
    "funding.Commitment": "commitment",
    "funding.Engagement": "engagement",
    "funding.FundingSource": "funding source",
    "funding.LocalisationTarget": "localisation target",
    "funding.MobilisationStrategy": "mobilisation strategy",
    "governance.LeadArrangement": "lead arrangement",
    "governance.Membership": "membership role",
    "governance.Organisation": "organisation",
    "governance.Participation": "signature required",
    "interventions.Intervention": "intervention",
    "interventions.ResultIndicator": "result indicator",
    "interventions.Progress": "progress review",
    "targets.Consultation": "consultation",
    "targets.Framework": "framework",
    "targets.PrioritisedTarget": "prioritised target",
}


def test_every_versioned_record_type_has_its_race():
    from django.apps import apps

    from msd_planner.lib.versioned_edit import Versioned

    versioned = {m._meta.label for m in apps.get_models() if issubclass(m, Versioned)}
    assert versioned == set(RACED_MODELS)
    assert set(RACED_MODELS.values()) <= set(VERSIONED_EDITS)


@pytest.mark.parametrize("edit", sorted(VERSIONED_EDITS))
def test_two_saves_of_one_opened_version_save_one_and_refuse_the_other(cast, catalogue, edit):
    save = VERSIONED_EDITS[edit](cast)
    outcomes = race(lambda: save("a"), lambda: save("b"))
    assert sorted(outcomes) == ["conflict", "saved"]


# --- an edit racing a removal ------------------------------------------------------------


def _framework_edit_vs_removal(cast):
    framework = _framework(cast)
    edit = framework_update(
        actor=cast.coordinator_a,
        framework=framework,
        expected_version=framework.version,
        data={"reference": "x"},
    )
    return (
        lambda: framework_update(
            actor=cast.coordinator_a,
            framework=framework,
            expected_version=edit.instance.version,
            data={"reference": "y"},
        ),
        lambda: framework_delete(actor=cast.coordinator_a, framework=framework),
        lambda: not Framework.objects.filter(pk=framework.pk).exists(),
    )


def _assessments_vs_framework_removal(cast):
    item = _target(cast)
    framework = _framework(cast)
    return (
        lambda: framework_assessments_set(
            actor=cast.coordinator_a,
            framework=framework,
            expected_version=framework.version,
            assessments={item.id: (Coherence.SYNERGY, "")},
        ),
        lambda: framework_delete(actor=cast.coordinator_a, framework=framework),
        lambda: not FrameworkAssessment.objects.exists(),
    )


def _consultation_edit_vs_removal(cast):
    consultation = _consultation(cast)
    return (
        lambda: consultation_update(
            actor=cast.coordinator_a,
            consultation=consultation,
            expected_version=consultation.version,
            data={"title": "Renamed"},
        ),
        lambda: consultation_delete(actor=cast.coordinator_a, consultation=consultation),
        lambda: not Consultation.objects.exists(),
    )


def _target_edit_vs_removal(cast):
    item = _target(cast)
    return (
        lambda: prioritised_target_update(
            actor=cast.coordinator_a,
            prioritised_target=item,
            expected_version=item.version,
            data={"rationale": "Renamed"},
        ),
        lambda: prioritised_target_remove(actor=cast.coordinator_a, prioritised_target=item),
        lambda: not PrioritisedTarget.objects.exists(),
    )


def _proposal_edit_vs_withdrawal(cast):
    proposal = prioritised_target_add(
        actor=cast.editor_x,
        plan=cast.plan_a,
        target=Target.objects.get(code="8.7"),
        rationale="Start",
        proposer_organisation=cast.ministry_x,
    )
    return (
        lambda: proposal_update(
            actor=cast.editor_x,
            proposal=proposal,
            expected_version=proposal.version,
            data={"rationale": "Renamed"},
        ),
        lambda: proposal_withdraw(actor=cast.editor_x, proposal=proposal),
        lambda: not PrioritisedTarget.objects.exists(),
    )


def _scores_vs_target_removal(cast):
    item = _target(cast)
    criteria = list(cast.plan_a.scoring_criteria.values_list("id", flat=True))
    return (
        lambda: target_scores_set(
            actor=cast.coordinator_a,
            prioritised_target=item,
            expected_version=item.version,
            scores=dict.fromkeys(criteria, 4),
        ),
        lambda: prioritised_target_remove(actor=cast.coordinator_a, prioritised_target=item),
        lambda: not PrioritisedTarget.objects.exists(),
    )


def _decision_vs_proposal_removal(cast):
    item = prioritised_target_add(
        actor=cast.editor_x,
        plan=cast.plan_a,
        target=Target.objects.get(code="8.8"),
        rationale="Proposed",
    )
    return (
        lambda: proposal_decide(
            actor=cast.coordinator_a, prioritised_target=item, accept=True, comment=""
        ),
        lambda: prioritised_target_remove(actor=cast.coordinator_a, prioritised_target=item),
        lambda: not PrioritisedTarget.objects.exists(),
    )


def _signature_vs_participation_removal(cast):
    participation = Participation.objects.get(plan=cast.plan_a, organisation=cast.ministry_y)
    return (
        lambda: participation_update(
            actor=cast.coordinator_a,
            participation=participation,
            expected_version=participation.version,
            signatory_required=False,
        ),
        lambda: participation_remove(actor=cast.coordinator_a, participation=participation),
        lambda: not Participation.objects.filter(pk=participation.pk).exists(),
    )


def _role_vs_membership_removal(cast):
    membership = Membership.objects.get(user=cast.viewer_x)
    return (
        lambda: membership_role_update(
            actor=cast.administrator,
            membership=membership,
            expected_version=membership.version,
            role=Role.EDITOR,
        ),
        lambda: membership_remove(actor=cast.administrator, membership=membership),
        lambda: not Membership.objects.filter(pk=membership.pk).exists(),
    )


EDITS_VS_REMOVALS = {
    "signature required": _signature_vs_participation_removal,
    "membership role": _role_vs_membership_removal,
    "framework edit": _framework_edit_vs_removal,
    "framework assessments": _assessments_vs_framework_removal,
    "consultation edit": _consultation_edit_vs_removal,
    "target edit": _target_edit_vs_removal,
    "proposal edit": _proposal_edit_vs_withdrawal,
    "target scores": _scores_vs_target_removal,
    "proposal decision": _decision_vs_proposal_removal,
}


@pytest.mark.parametrize("case", sorted(EDITS_VS_REMOVALS))
def test_an_edit_racing_a_removal_is_told_and_the_removal_holds(cast, catalogue, case):
    edit, remove, removed = EDITS_VS_REMOVALS[case](cast)
    edited, removal = race(edit, remove)
    assert removal == "saved"
    # The edit came first (and was then removed with the record) or was told it is gone.
    assert edited in {"saved", "removed"}
    assert removed()


def test_a_record_removed_twice_is_removed_once(cast, catalogue):
    framework = _framework(cast)
    outcomes = race(
        lambda: framework_delete(actor=cast.coordinator_a, framework=framework),
        lambda: framework_delete(actor=cast.coordinator_a, framework=framework),
    )
    assert sorted(outcomes) == ["removed", "saved"]
    assert Framework.history.filter(id=framework.pk, history_type="-").count() == 1


def test_a_membership_removed_twice_is_removed_once(cast):
    membership = Membership.objects.get(user=cast.viewer_x)
    outcomes = race(
        lambda: membership_remove(actor=cast.administrator, membership=membership),
        lambda: membership_remove(actor=cast.administrator, membership=membership),
    )
    assert sorted(outcomes) == ["removed", "saved"]


# --- adds, governance and rules across records ------------------------------------------


def test_two_administrators_adding_one_membership_add_it_once(cast):
    newcomer = factories.UserFactory(username="newcomer")
    outcomes = race(
        lambda: membership_add(
            actor=cast.administrator, user=newcomer, organisation=cast.ministry_x, role=Role.EDITOR
        ),
        lambda: membership_add(
            actor=cast.administrator, user=newcomer, organisation=cast.ministry_x, role=Role.VIEWER
        ),
    )
    assert sorted(outcome.split(":")[0] for outcome in outcomes) == ["refused", "saved"]
    assert Membership.objects.filter(user=newcomer).count() == 1


def test_the_first_two_targets_of_a_plan_can_be_added_at_once(cast, catalogue):
    outcomes = race(lambda: _target(cast, "10.7"), lambda: _target(cast, "8.8"))
    assert outcomes == ["saved", "saved"]
    assert ScoringCriterion.objects.filter(plan=cast.plan_a).count() == 5


def test_a_lead_arrangement_and_a_participant_saved_at_once_do_not_deadlock(cast):
    adviser = factories.OrganisationFactory(name="Advising Agency", type="international")
    for round_number in range(3):
        newcomer = factories.OrganisationFactory(name=f"New Ministry {round_number}")
        opened = arrangement_version(cast.plan_a)
        outcomes = race(
            lambda opened=opened, advisers=[adviser] if round_number % 2 == 0 else []: (
                lead_arrangement_set(
                    actor=cast.coordinator_a,
                    plan=cast.plan_a,
                    expected_version=opened,
                    data=LeadArrangementData(
                        model=LeadModel.SINGLE, leads=[cast.lead_ministry], advisers=advisers
                    ),
                )
            ),
            lambda newcomer=newcomer: participation_add(
                actor=cast.administrator,
                plan=cast.plan_a,
                organisation=newcomer,
                signatory_required=True,
            ),
        )
        assert outcomes == ["saved", "saved"]


def test_a_period_shortened_while_a_baseline_is_saved_never_leaves_a_baseline_outside(
    cast, catalogue
):
    item = _target(cast)
    plan = ActionPlan.objects.get(pk=cast.plan_a.pk)
    outcomes = race(
        lambda: plan_update(
            actor=cast.coordinator_a,
            plan=plan,
            expected_version=plan.version,
            data={"period_end_year": 2027},
        ),
        lambda: baseline_update(
            actor=cast.coordinator_a,
            prioritised_target=item,
            expected_version=item.version,
            data={"baseline_year": 2029},
        ),
    )
    assert not any(outcome.startswith("error") for outcome in outcomes), outcomes
    plan.refresh_from_db()
    item.refresh_from_db()
    assert item.baseline_year is None or item.baseline_year <= plan.period_end_year


def test_an_adviser_removed_while_the_lead_arrangement_is_saved_stays_consistent(cast):
    adviser = factories.OrganisationFactory(name="Advising Agency", type="international")
    participation_add(
        actor=cast.administrator, plan=cast.plan_a, organisation=adviser, signatory_required=False
    )
    participation = Participation.objects.get(plan=cast.plan_a, organisation=adviser)
    opened = arrangement_version(cast.plan_a)
    outcomes = race(
        lambda: lead_arrangement_set(
            actor=cast.coordinator_a,
            plan=cast.plan_a,
            expected_version=opened,
            data=LeadArrangementData(
                model=LeadModel.SINGLE, leads=[cast.lead_ministry], advisers=[adviser]
            ),
        ),
        lambda: participation_remove(actor=cast.administrator, participation=participation),
    )
    assert not any(outcome.startswith("error") for outcome in outcomes), outcomes
    advises = cast.plan_a.lead_arrangement.bodies.filter(organisation=adviser).exists()
    takes_part = Participation.objects.filter(plan=cast.plan_a, organisation=adviser).exists()
    assert takes_part or not advises  # an adviser always takes part in the plan


def test_two_coordinators_stepping_down_at_once_leave_one_coordinator(cast):
    """Each sees the other as the successor; the organisation lock lets only one go."""
    first = Membership.objects.get(user=cast.coordinator_x)
    second = membership_set(
        actor=cast.administrator,
        user=cast.editor_x,
        organisation=cast.ministry_x,
        role=Role.COORDINATOR,
    )
    outcomes = race(
        lambda: membership_role_update(
            actor=cast.coordinator_x,
            membership=first,
            expected_version=first.version,
            role=Role.EDITOR,
        ),
        lambda: membership_remove(actor=cast.editor_x, membership=second),
    )
    assert sorted(outcome.split(":")[0] for outcome in outcomes) == ["refused", "saved"]
    assert (
        Membership.objects.filter(organisation=cast.ministry_x, role=Role.COORDINATOR).count() == 1
    )


def test_two_people_saving_one_intervention_at_once_leave_one_history_row(cast, catalogue):
    """Exactly one wins; the other is told; the history has one row per successful save."""
    save = _intervention_edit(cast)
    intervention = Intervention.objects.get()
    before = intervention.history.count()
    outcomes = race(lambda: save("a"), lambda: save("b"))
    assert sorted(outcomes) == ["conflict", "saved"]
    intervention.refresh_from_db()
    assert intervention.title in {"by a", "by b"} and intervention.version == 2
    assert intervention.history.count() == before + 1


# --- the plan's workflow ------------------------------------------------------------------


def test_two_coordinators_submitting_at_once_make_one_version(cast, ready):
    from action_plans.models import PlanTransition, PlanVersion
    from action_plans.workflow import plan_submit
    from governance.services.memberships import membership_set as add_member

    second = factories.UserFactory(username="coordinator_a2")
    add_member(actor=None, user=second, organisation=cast.lead_ministry, role=Role.COORDINATOR)
    outcomes = race(
        lambda: plan_submit(actor=cast.coordinator_a, plan=cast.plan_a),
        lambda: plan_submit(actor=second, plan=cast.plan_a),
    )
    assert sorted(outcome.split(":")[0] for outcome in outcomes) == ["refused", "saved"]
    assert "since" in next(outcome for outcome in outcomes if outcome.startswith("refused"))
    assert PlanVersion.objects.filter(plan=cast.plan_a).count() == 1
    assert PlanTransition.objects.filter(plan=cast.plan_a, step="submit").count() == 1


def test_the_last_two_signatures_at_once_validate_the_plan_once(cast, ready):
    from action_plans.models import PlanStatus, PlanTransition
    from action_plans.workflow import plan_submit
    from governance.services.signing import plan_sign

    plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
    signatories = ready["signatories"]
    for name in ("lead_ministry", "statistics_office"):
        plan_sign(
            actor=signatories[name],
            plan=cast.plan_a,
            organisation=getattr(cast, name),
            decision="approve",
            comment="",
        )
    outcomes = race(
        *(
            lambda name=name: plan_sign(
                actor=signatories[name],
                plan=cast.plan_a,
                organisation=getattr(cast, name),
                decision="approve",
                comment="",
            )
            for name in ("ministry_x", "ministry_y")
        )
    )
    assert outcomes == ["saved", "saved"]
    cast.plan_a.refresh_from_db()
    assert cast.plan_a.status == PlanStatus.VALIDATED
    assert PlanTransition.objects.filter(plan=cast.plan_a, step="validate").count() == 1
