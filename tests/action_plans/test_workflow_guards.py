"""The workflow's rules that two layers check, each layer tested on its own.

Governance's signing (``governance.services.signing.plan_sign``) checks a rule, then calls the
kernel's workflow (``action_plans.workflow``), which checks it again: every required
approval is in before a version is validated; a sign-off applies only to a plan in
validation; only a signatory signs. Adoption is checked by the kernel (the step's
action, ``CHANGE``) and by governance's validation policy (who adopts under the lead
model). Through the usual path the first layer hides the second, so a test of that path
alone still passes once the second check is gone. Here each layer is called directly,
the other one bypassed or replaced by a stand-in, so that removing either check fails a
test. The database's rule of one open version per plan is paired with the kernel's
refusal of a second submission in the same way.
"""

from dataclasses import replace

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from action_plans import hooks, workflow
from action_plans.hooks import ReadinessItem
from action_plans.models import PlanStatus, PlanTransition, PlanVersion, VersionStatus
from action_plans.permissions import PlanAction, plan_actions_for_user
from action_plans.workflow import Step, TransitionRefused
from governance import validation
from governance.models import Role, SignOff
from governance.services import signing
from governance.services.memberships import membership_set
from governance.services.signing import plan_sign
from tests import factories
from tests.conftest import Cast, approve_all

# The organisations whose approval plan A needs (its joint leads and its two required
# participants), by the name the cast gives them.
REQUIRED = ("ministry_x", "ministry_y", "lead_ministry", "statistics_office")


def _submit(cast: Cast) -> PlanVersion:
    return workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)


def _approve(cast: Cast, ready: dict, organisation: str) -> SignOff:
    return plan_sign(
        actor=ready["signatories"][organisation],
        plan=cast.plan_a,
        organisation=getattr(cast, organisation),
        decision="approve",
        comment="",
    )


def _adopt(cast: Cast, actor) -> PlanVersion:
    return workflow.plan_adopt(
        actor=actor, plan=cast.plan_a, adoption_date=timezone.localdate(), reference="Decree 7"
    )


def _status(cast: Cast) -> str:
    cast.plan_a.refresh_from_db()
    return cast.plan_a.status


def _steps(cast: Cast, step: Step) -> int:
    return PlanTransition.objects.filter(plan=cast.plan_a, step=step).count()


class Calls:
    """A stand-in for a kernel service that records how it was called and does nothing."""

    def __init__(self):
        self.calls: list[dict] = []

    def __call__(self, **kwargs):
        self.calls.append(kwargs)
        return kwargs["plan"]


# --- every required approval before validation -----------------------------------------


def test_the_kernel_refuses_to_validate_a_version_an_approval_is_missing_from(cast, ready):
    """Called directly, as governance calls it: with none of the approvals, then with
    all but ministry Y's, the version is not validated."""
    version = _submit(cast)
    signatory_y = ready["signatories"]["ministry_y"]
    with pytest.raises(TransitionRefused, match="have not approved yet"):
        workflow.plan_validate(actor=signatory_y, plan=cast.plan_a, organisation_name="MOH")
    for organisation in ("ministry_x", "lead_ministry", "statistics_office"):
        _approve(cast, ready, organisation)
    with pytest.raises(TransitionRefused, match="have not approved yet"):
        workflow.plan_validate(actor=signatory_y, plan=cast.plan_a, organisation_name="MOH")

    assert _status(cast) == PlanStatus.IN_VALIDATION
    version.refresh_from_db()
    assert (version.status, version.validated_at) == (VersionStatus.IN_VALIDATION, None)
    assert _steps(cast, Step.VALIDATE) == 0


def test_governance_asks_to_validate_only_once_every_required_approval_is_in(
    cast, ready, monkeypatch
):
    """The kernel's own check replaced by a stand-in that would validate anything: the
    first three approvals do not ask for the validation, the fourth does, once."""
    kernel = Calls()
    monkeypatch.setattr(signing, "plan_validate", kernel)
    _submit(cast)
    for organisation in REQUIRED[:-1]:
        _approve(cast, ready, organisation)
        assert kernel.calls == [], f"validation asked for after {organisation}'s approval"
    _approve(cast, ready, REQUIRED[-1])
    assert [call["organisation_name"] for call in kernel.calls] == ["NSO"]


# --- a sign-off only while the plan is in validation -------------------------------------


def _withdrawn(cast: Cast, ready: dict) -> None:
    _submit(cast)
    workflow.plan_withdraw(actor=cast.coordinator_a, plan=cast.plan_a, comment="Not yet")


def _validated(cast: Cast, ready: dict) -> None:
    _submit(cast)
    approve_all(cast, ready)


def _adopted(cast: Cast, ready: dict) -> None:
    _validated(cast, ready)
    _adopt(cast, cast.coordinator_a)


@pytest.mark.parametrize(
    "reach",
    [lambda cast, ready: None, _withdrawn, _validated, _adopted],
    ids=["draft", "withdrawn", "validated", "adopted"],
)
@pytest.mark.parametrize("decision", ["approve", "request_changes"])
def test_governance_refuses_a_sign_off_unless_the_plan_is_in_validation(
    cast, ready, monkeypatch, reach, decision
):
    """Refused by governance itself, in its words, before the kernel is asked anything
    (its two steps replaced by stand-ins that would take any call)."""
    reach(cast, ready)
    status, sign_offs = _status(cast), SignOff.objects.count()
    kernel = Calls()
    monkeypatch.setattr(signing, "plan_validate", kernel)
    monkeypatch.setattr(signing, "plan_changes_request", kernel)
    with pytest.raises(ValidationError, match="The plan is not in validation"):
        plan_sign(
            actor=cast.signatory_x,
            plan=cast.plan_a,
            organisation=cast.ministry_x,
            decision=decision,
            comment="Add the health screening of returnees",
        )
    assert kernel.calls == []
    assert SignOff.objects.count() == sign_offs
    assert _status(cast) == status


def test_the_kernel_refuses_the_sign_off_steps_unless_the_plan_is_in_validation(cast, ready):
    """Called directly: a request for changes on a draft, and on a validated version
    (every approval in); a second validation of a validated version."""
    with pytest.raises(TransitionRefused):
        workflow.plan_changes_request(
            actor=cast.signatory_x, plan=cast.plan_a, organisation_name="MOL", comment="Why"
        )
    assert _status(cast) == PlanStatus.DRAFT

    _validated(cast, ready)
    version = workflow.open_version(cast.plan_a)
    validated_at = version.validated_at
    with pytest.raises(TransitionRefused):
        workflow.plan_validate(actor=cast.signatory_x, plan=cast.plan_a, organisation_name="MOL")
    with pytest.raises(TransitionRefused):
        workflow.plan_changes_request(
            actor=cast.signatory_x, plan=cast.plan_a, organisation_name="MOL", comment="Why"
        )
    assert _status(cast) == PlanStatus.VALIDATED
    version.refresh_from_db()
    assert (version.status, version.validated_at) == (VersionStatus.VALIDATED, validated_at)
    assert _steps(cast, Step.VALIDATE) == 1
    assert _steps(cast, Step.REQUEST_CHANGES) == 0


# --- only a signatory signs ------------------------------------------------------------------


def test_governance_lets_only_a_signatory_of_an_organisation_sign_for_it(cast, ready, monkeypatch):
    """Ministry X's signatory holds SIGN on plan A, so the kernel would take its step;
    governance alone refuses them a decision for ministry Y, as it refuses the lead
    ministry's coordinator one for the lead ministry."""
    _submit(cast)
    kernel = Calls()
    monkeypatch.setattr(signing, "plan_validate", kernel)
    monkeypatch.setattr(signing, "plan_changes_request", kernel)
    assert PlanAction.SIGN in plan_actions_for_user(cast.signatory_x, cast.plan_a)
    for actor, organisation in (
        (cast.signatory_x, cast.ministry_y),
        (cast.coordinator_a, cast.lead_ministry),
    ):
        for decision in ("approve", "request_changes"):
            with pytest.raises(ValidationError, match="only for an organisation you are"):
                plan_sign(
                    actor=actor,
                    plan=cast.plan_a,
                    organisation=organisation,
                    decision=decision,
                    comment="Add the health screening of returnees",
                )
    assert kernel.calls == []
    assert not SignOff.objects.exists()
    assert _status(cast) == PlanStatus.IN_VALIDATION


def test_the_kernel_lets_only_those_who_hold_sign_take_the_sign_off_steps(cast, ready):
    """Called directly, with every approval recorded (governance bypassed): those who do
    not hold SIGN on plan A are refused both steps; a signatory then validates."""
    version = _submit(cast)
    for organisation in REQUIRED:
        SignOff.objects.create(
            version=version,
            organisation=getattr(cast, organisation),
            signatory=ready["signatories"][organisation],
            decision="approve",
        )
    for role in ("coordinator_a", "editor_x", "coordinator_x", "viewer_x", "administrator"):
        actor = cast.user(role)
        with pytest.raises(TransitionRefused, match="may not take this step"):
            workflow.plan_validate(actor=actor, plan=cast.plan_a, organisation_name="MOI")
        with pytest.raises(TransitionRefused, match="may not take this step"):
            workflow.plan_changes_request(
                actor=actor, plan=cast.plan_a, organisation_name="MOI", comment="Why"
            )
        assert _status(cast) == PlanStatus.IN_VALIDATION, role

    workflow.plan_validate(actor=cast.signatory_x, plan=cast.plan_a, organisation_name="MOL")
    assert _status(cast) == PlanStatus.VALIDATED


# --- adoption ------------------------------------------------------------------------------


def _allow_adoption_to(monkeypatch, refusal) -> None:
    """Stand in for governance's rule of who adopts: ``refusal(plan, actor)``."""
    policy = replace(hooks.validation_policy(), adoption_refusal=refusal)
    monkeypatch.setattr(hooks, "_validation_policy", [policy])


def test_the_kernel_refuses_an_adoption_governance_refuses(cast, ready, monkeypatch):
    """Governance's rule replaced by one that refuses everyone: the lead ministry's
    coordinator, who holds CHANGE and may adopt under the real rule, is refused with the
    policy's words."""
    _validated(cast, ready)
    _allow_adoption_to(monkeypatch, lambda plan, actor: "Adopted by the cabinet only.")
    with pytest.raises(TransitionRefused, match="Adopted by the cabinet only"):
        _adopt(cast, cast.coordinator_a)
    assert _status(cast) == PlanStatus.VALIDATED
    assert workflow.official_version(cast.plan_a) is None


def test_the_kernel_refuses_an_adoption_to_whoever_lacks_change(cast, ready, monkeypatch):
    """Governance's rule replaced by one that lets everyone adopt: those who do not hold
    CHANGE on plan A are still refused."""
    _validated(cast, ready)
    _allow_adoption_to(monkeypatch, lambda plan, actor: None)
    for role in ("administrator", "coordinator_x", "editor_x", "signatory_x", "coordinator_b"):
        with pytest.raises(TransitionRefused, match="may not take this step"):
            _adopt(cast, cast.user(role))
    assert _status(cast) == PlanStatus.VALIDATED
    _adopt(cast, cast.coordinator_a)
    assert _status(cast) == PlanStatus.ADOPTED


def test_governance_lets_only_a_coordinator_of_the_lead_body_for_validation_adopt(cast):
    """Plan A is led jointly; the lead ministry leads its validation. A coordinator of
    the statistics office, the other lead body, holds CHANGE but does not adopt."""
    statistics_coordinator = factories.UserFactory(username="coordinator_s")
    membership_set(
        actor=None,
        user=statistics_coordinator,
        organisation=cast.statistics_office,
        role=Role.COORDINATOR,
    )
    assert PlanAction.CHANGE in plan_actions_for_user(statistics_coordinator, cast.plan_a)
    assert validation.adoption_refusal(cast.plan_a, cast.coordinator_a) is None
    for actor in (statistics_coordinator, cast.coordinator_x, cast.editor_s, cast.signatory_x):
        refusal = validation.adoption_refusal(cast.plan_a, actor)
        assert refusal == "The plan is adopted by a coordinator of MOI.", actor
    cast.coordinator_a.is_active = False
    cast.coordinator_a.save()
    assert validation.adoption_refusal(cast.plan_a, cast.coordinator_a) is not None


# --- readiness before submission ----------------------------------------------------------


def _criterion(*, blocking: bool):
    def check(plan):
        return [
            ReadinessItem(
                "stand_in",
                "A criterion an app registers",
                blocking,
                ("It fails.",),
                "/somewhere/",
            )
        ]

    return check


def test_the_kernel_refuses_a_submission_while_a_blocking_criterion_of_an_app_fails(
    cast, ready, monkeypatch
):
    """Plan A meets every real criterion; one more registered, failing: submitted while
    it only warns, refused, naming it, while it blocks."""
    checks = hooks.readiness_checks()
    monkeypatch.setattr(hooks, "_readiness_checks", [*checks, _criterion(blocking=True)])
    with pytest.raises(TransitionRefused, match="A criterion an app registers: It fails"):
        _submit(cast)
    assert _status(cast) == PlanStatus.DRAFT
    assert not PlanVersion.objects.exists()

    monkeypatch.setattr(hooks, "_readiness_checks", [*checks, _criterion(blocking=False)])
    _submit(cast)
    assert _status(cast) == PlanStatus.IN_VALIDATION


# --- one open version per plan ------------------------------------------------------------


@pytest.mark.parametrize("status", [VersionStatus.IN_VALIDATION, VersionStatus.VALIDATED])
def test_the_database_refuses_a_second_open_version(cast, ready, status):
    """The kernel's services bypassed: the constraint alone refuses (the version's number
    is free, so no other constraint could)."""
    _submit(cast)
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanVersion.objects.create(
            plan=cast.plan_a, major=1, minor=1, status=status, submitted_at=timezone.now()
        )
    assert PlanVersion.objects.filter(plan=cast.plan_a).count() == 1


def test_the_kernel_refuses_a_second_submission_before_making_a_version(cast, ready):
    """Refused by the service in words (not by the database's constraint)."""
    _submit(cast)
    with pytest.raises(TransitionRefused, match="The plan is in validation since"):
        _submit(cast)
    assert PlanVersion.objects.filter(plan=cast.plan_a).count() == 1
    assert _steps(cast, Step.SUBMIT) == 1
