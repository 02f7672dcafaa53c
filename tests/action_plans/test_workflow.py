"""The plan's life: readiness, submission, sign-offs, adoption and revision, through the
services and the pages, for every member of the cast."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from action_plans import workflow
from action_plans.models import PlanStatus, PlanTransition, PlanVersion, VersionStatus
from action_plans.services import PlanReadOnly
from action_plans.workflow import TRANSITIONS, Step, TransitionRefused
from governance.models import Role, SignOff
from governance.services import membership_set
from governance.validation import plan_sign, required_signatures
from interventions.models import Intervention, ResultIndicator
from interventions.services import Links, indicator_create, intervention_create, intervention_update
from targets.models import Target
from targets.services import prioritised_target_add
from tests import factories
from tests.conftest import Cast


def _signatory(organisation, username: str):
    user = factories.UserFactory(username=username)
    membership_set(actor=None, user=user, organisation=organisation, role=Role.SIGNATORY)
    return user


@pytest.fixture
def ready(cast, catalogue) -> dict:
    """Plan A ready for validation: a target with its intervention, measured; a
    signatory in every organisation whose signature is required."""
    target = prioritised_target_add(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        target=Target.objects.get(code="10.7"),
        rationale="Labour migration is the country's first concern",
    )
    intervention = intervention_create(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        intervention=Intervention(
            title="Fair recruitment",
            level="programme",
            sector="labour",
            lead_organisation=cast.ministry_x,
            start_date=date(2026, 1, 1),
            end_date=date(2028, 12, 31),
            estimated_cost=Decimal(1000000),
        ),
        links=Links(targets={target.pk: "Lower recruitment costs"}),
    )
    indicator_create(
        actor=cast.coordinator_a,
        intervention=intervention,
        indicator=ResultIndicator(
            name="Workers recruited fairly",
            unit="people",
            baseline_value=Decimal(100),
            baseline_year=2025,
        ),
        target_values={2028: Decimal(900)},
    )
    signatories = {
        "ministry_x": cast.signatory_x,
        "ministry_y": _signatory(cast.ministry_y, "signatory_y"),
        "lead_ministry": _signatory(cast.lead_ministry, "signatory_lead"),
        "statistics_office": _signatory(cast.statistics_office, "signatory_stats"),
    }
    return {"intervention": intervention, "signatories": signatories}


def _approve_all(cast: Cast, ready: dict) -> None:
    for name, signatory in ready["signatories"].items():
        plan_sign(
            actor=signatory,
            plan=cast.plan_a,
            organisation=getattr(cast, name),
            decision="approve",
            comment="",
        )


def _status(cast) -> str:
    cast.plan_a.refresh_from_db()
    return cast.plan_a.status


def test_a_plan_that_is_not_ready_is_refused_with_the_blocking_criteria(cast, catalogue):
    with pytest.raises(TransitionRefused) as refused:
        workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
    text = " ".join(refused.value.messages)
    assert "At least one prioritised target" in text
    assert "No signatory yet" in text
    assert _status(cast) == PlanStatus.DRAFT
    assert not PlanVersion.objects.exists()


def test_the_joint_leads_and_the_required_participants_must_all_sign(cast, ready):
    names = [item.name for item in required_signatures(cast.plan_a)]
    assert names == ["MOH", "MOI", "MOL", "NSO"]


def test_the_whole_life_of_a_plan(cast, ready):
    version = workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
    assert version.number == "1.0"
    assert _status(cast) == PlanStatus.IN_VALIDATION

    # In validation the content is read-only for everyone, the coordinators included.
    intervention = ready["intervention"]
    with pytest.raises(PlanReadOnly):
        intervention_update(
            actor=cast.coordinator_a,
            intervention=intervention,
            expected_version=intervention.version,
            data={"title": "Changed in validation"},
        )

    # Ministry X approves; ministry Y asks for changes (a comment is required).
    plan_sign(
        actor=cast.signatory_x,
        plan=cast.plan_a,
        organisation=cast.ministry_x,
        decision="approve",
        comment="",
    )
    with pytest.raises(ValidationError) as no_comment:
        plan_sign(
            actor=ready["signatories"]["ministry_y"],
            plan=cast.plan_a,
            organisation=cast.ministry_y,
            decision="request_changes",
            comment=" ",
        )
    assert "comment" in no_comment.value.error_dict
    plan_sign(
        actor=ready["signatories"]["ministry_y"],
        plan=cast.plan_a,
        organisation=cast.ministry_y,
        decision="request_changes",
        comment="Add the health screening of returnees.",
    )
    assert _status(cast) == PlanStatus.DRAFT
    version.refresh_from_db()
    assert version.status == VersionStatus.CHANGES_REQUESTED

    # Changed and submitted again: version 1.1, every sign-off asked anew.
    intervention_update(
        actor=cast.coordinator_a,
        intervention=intervention,
        expected_version=intervention.version,
        data={"title": "Fair recruitment and health screening"},
    )
    resubmitted = workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
    assert resubmitted.number == "1.1"
    _approve_all(cast, ready)
    assert _status(cast) == PlanStatus.VALIDATED
    resubmitted.refresh_from_db()
    assert resubmitted.status == VersionStatus.VALIDATED

    # Adopted by a coordinator of the lead body responsible for validation.
    with pytest.raises(TransitionRefused):
        workflow.plan_adopt(
            actor=cast.coordinator_x,
            plan=cast.plan_a,
            adoption_date=timezone.localdate(),
            reference="Cabinet decision 12/2026",
        )
    adopted = workflow.plan_adopt(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        adoption_date=timezone.localdate(),
        reference="Cabinet decision 12/2026",
    )
    assert adopted.status == VersionStatus.ADOPTED
    assert _status(cast) == PlanStatus.ADOPTED
    with pytest.raises(PlanReadOnly):  # adopted: changed only through a revision
        intervention_update(
            actor=cast.coordinator_a,
            intervention=intervention,
            expected_version=Intervention.objects.get(pk=intervention.pk).version,
            data={"title": "Changed after adoption"},
        )

    # A revision: a draft again, the adopted version still the official one.
    workflow.plan_revision_open(
        actor=cast.coordinator_a, plan=cast.plan_a, comment="A new intervention: reintegration"
    )
    assert _status(cast) == PlanStatus.DRAFT
    assert workflow.official_version(cast.plan_a) == adopted
    revision = workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
    assert revision.number == "2.0"
    _approve_all(cast, ready)
    workflow.plan_adopt(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        adoption_date=timezone.localdate(),
        reference="Cabinet decision 3/2027",
    )
    adopted.refresh_from_db()
    assert adopted.status == VersionStatus.SUPERSEDED
    assert workflow.official_version(cast.plan_a).number == "2.0"
    assert list(
        PlanTransition.objects.filter(plan=cast.plan_a)
        .order_by("pk")
        .values_list("step", flat=True)
    ) == [
        "submit",
        "request_changes",
        "submit",
        "validate",
        "adopt",
        "open_revision",
        "submit",
        "validate",
        "adopt",
    ]


def test_misuse_is_refused_and_changes_nothing(cast, ready):
    signatory_y = ready["signatories"]["ministry_y"]
    with pytest.raises(ValidationError, match="not in validation"):
        plan_sign(
            actor=cast.signatory_x,
            plan=cast.plan_a,
            organisation=cast.ministry_x,
            decision="approve",
            comment="",
        )
    with pytest.raises(TransitionRefused):  # adopting a version that is not validated
        workflow.plan_adopt(
            actor=cast.coordinator_a,
            plan=cast.plan_a,
            adoption_date=timezone.localdate(),
            reference="Too early",
        )
    workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
    with pytest.raises(TransitionRefused, match="since"):  # the second of two submissions
        workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
    with pytest.raises(ValidationError, match="signatory of"):  # for another organisation
        plan_sign(
            actor=signatory_y,
            plan=cast.plan_a,
            organisation=cast.ministry_x,
            decision="approve",
            comment="",
        )
    plan_sign(
        actor=cast.signatory_x,
        plan=cast.plan_a,
        organisation=cast.ministry_x,
        decision="approve",
        comment="",
    )
    with pytest.raises(ValidationError, match="already signed"):
        plan_sign(
            actor=cast.signatory_x,
            plan=cast.plan_a,
            organisation=cast.ministry_x,
            decision="approve",
            comment="",
        )
    with pytest.raises(ValidationError) as late:  # an adoption date in the future
        workflow.plan_adopt(
            actor=cast.coordinator_a,
            plan=cast.plan_a,
            adoption_date=timezone.localdate() + timedelta(days=1),
            reference="",
        )
    assert set(late.value.error_dict) == {"adoption_date", "reference"}
    assert SignOff.objects.count() == 1
    assert _status(cast) == PlanStatus.IN_VALIDATION
    assert PlanVersion.objects.get().status == VersionStatus.IN_VALIDATION


# --- every step, for every member of the cast ------------------------------------------

COORDINATOR_STEPS = {
    Step.SUBMIT: lambda cast, actor: workflow.plan_submit(actor=actor, plan=cast.plan_a),
    Step.WITHDRAW: lambda cast, actor: workflow.plan_withdraw(
        actor=actor, plan=cast.plan_a, comment="Not yet"
    ),
    Step.ADOPT: lambda cast, actor: workflow.plan_adopt(
        actor=actor, plan=cast.plan_a, adoption_date=timezone.localdate(), reference="Decree 1"
    ),
    Step.OPEN_REVISION: lambda cast, actor: workflow.plan_revision_open(
        actor=actor, plan=cast.plan_a, comment="A correction"
    ),
}
REACHED_BY = {  # how plan A gets to the status each step starts from
    PlanStatus.DRAFT: [],
    PlanStatus.IN_VALIDATION: ["submit"],
    PlanStatus.VALIDATED: ["submit", "approve"],
    PlanStatus.ADOPTED: ["submit", "approve", "adopt"],
}


def _reach(cast, ready, status: str) -> None:
    for move in REACHED_BY[status]:
        if move == "approve":
            _approve_all(cast, ready)
        else:
            COORDINATOR_STEPS[Step(move)](cast, cast.coordinator_a)


@pytest.mark.parametrize("role", [role for role in Cast.ROLES if role != "anonymous"])
@pytest.mark.parametrize("step", list(COORDINATOR_STEPS))
def test_each_coordinator_step_for_each_role(cast, ready, step, role):
    """From the status the table gives, the step succeeds for exactly those the policy
    gives its action (and, for adoption, the coordinators of the lead body responsible for
    validation); from every other status it is refused for everyone."""
    transition = TRANSITIONS[step]
    _reach(cast, ready, transition.source)
    actor = cast.user(role)
    allowed = transition.action in cast.expected_actions(role, cast.plan_a)
    if step == Step.ADOPT:
        allowed = allowed and role == "coordinator_a"
    before = PlanTransition.objects.count()
    if allowed:
        COORDINATOR_STEPS[step](cast, actor)
        assert _status(cast) == transition.target
        assert PlanTransition.objects.count() == before + 1
        assert PlanTransition.objects.first().actor == actor
    else:
        with pytest.raises(ValidationError):
            COORDINATOR_STEPS[step](cast, actor)
        assert _status(cast) == transition.source
        assert PlanTransition.objects.count() == before


@pytest.mark.parametrize("step", list(COORDINATOR_STEPS))
@pytest.mark.parametrize("status", list(REACHED_BY))
def test_a_step_from_any_other_status_is_refused(cast, ready, step, status):
    if TRANSITIONS[step].source == status:
        pytest.skip("the legal case, tested above")
    _reach(cast, ready, status)
    with pytest.raises(ValidationError):
        COORDINATOR_STEPS[step](cast, cast.coordinator_a)
    assert _status(cast) == status


# --- a hypothesis state machine --------------------------------------------------------

MOVES = st.lists(
    st.tuples(
        st.sampled_from(["submit", "withdraw", "adopt", "revise", "approve", "object"]),
        st.sampled_from(["coordinator_a", "coordinator_x", "editor_x", "signatory_x", "lead"]),
        st.sampled_from(["ministry_x", "ministry_y", "lead_ministry", "statistics_office"]),
    ),
    max_size=14,
)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(moves=MOVES)
def test_no_sequence_adopts_an_unvalidated_version_or_leaves_two_official_ones(
    django_db_blocker, cast, ready, moves
):
    from django.db import transaction

    signatories = ready["signatories"]
    with transaction.atomic():
        for move, role, organisation in moves:
            actor = signatories["lead_ministry"] if role == "lead" else cast.user(role)
            try:
                with transaction.atomic():
                    if move == "submit":
                        workflow.plan_submit(actor=actor, plan=cast.plan_a)
                    elif move == "withdraw":
                        workflow.plan_withdraw(actor=actor, plan=cast.plan_a, comment="Why")
                    elif move == "adopt":
                        workflow.plan_adopt(
                            actor=actor,
                            plan=cast.plan_a,
                            adoption_date=timezone.localdate(),
                            reference="Decree",
                        )
                    elif move == "revise":
                        workflow.plan_revision_open(actor=actor, plan=cast.plan_a, comment="Why")
                    else:
                        plan_sign(
                            actor=signatories[organisation],
                            plan=cast.plan_a,
                            organisation=getattr(cast, organisation),
                            decision="approve" if move == "approve" else "request_changes",
                            comment="" if move == "approve" else "Please change",
                        )
            except ValidationError:
                pass
            required = {item.organisation_id for item in required_signatures(cast.plan_a)}
            versions = list(PlanVersion.objects.filter(plan=cast.plan_a))
            assert sum(v.status == VersionStatus.ADOPTED for v in versions) <= 1
            assert (
                sum(
                    v.status in (VersionStatus.IN_VALIDATION, VersionStatus.VALIDATED)
                    for v in versions
                )
                <= 1
            )
            for version in versions:
                if version.status in (
                    VersionStatus.VALIDATED,
                    VersionStatus.ADOPTED,
                    VersionStatus.SUPERSEDED,
                ):
                    approved = set(
                        SignOff.objects.filter(version=version, decision="approve").values_list(
                            "organisation_id", flat=True
                        )
                    )
                    assert required <= approved, f"{version} without every approval"
                if version.status in (VersionStatus.ADOPTED, VersionStatus.SUPERSEDED):
                    assert version.validated_at is not None
            status = _status(cast)
            open_versions = [
                v
                for v in versions
                if v.status in (VersionStatus.IN_VALIDATION, VersionStatus.VALIDATED)
            ]
            assert (status in (PlanStatus.IN_VALIDATION, PlanStatus.VALIDATED)) == bool(
                open_versions
            )
        transaction.set_rollback(True)


# --- the pages -------------------------------------------------------------------------


def test_the_validation_page_shows_the_checklist_and_the_sign_offs(client, cast, ready):
    client.force_login(cast.coordinator_a)
    page = client.get(reverse("plan_validation", args=[cast.plan_a.pk])).content.decode()
    assert "Every blocking criterion is met" in page
    assert "Submit for validation" in page
    response = client.post(reverse("plan_submit", args=[cast.plan_a.pk]))
    assert response.status_code == 302
    page = client.get(reverse("plan_validation", args=[cast.plan_a.pk])).content.decode()
    assert "Version 1.0: In validation" in page
    assert "0 of 4 required organisations have approved." in page

    client.force_login(cast.signatory_x)
    response = client.post(
        reverse("plan_sign", args=[cast.plan_a.pk]),
        {"organisation": cast.ministry_x.pk, "decision": "request_changes", "comment": ""},
    )
    assert response.status_code == 200
    assert "Say which changes are needed." in response.content.decode()
    response = client.post(
        reverse("plan_sign", args=[cast.plan_a.pk]),
        {"organisation": cast.ministry_x.pk, "decision": "approve", "comment": ""},
    )
    assert response.status_code == 302
    page = client.get(reverse("plan_validation", args=[cast.plan_a.pk])).content.decode()
    assert "1 of 4 required organisations has approved." in page
