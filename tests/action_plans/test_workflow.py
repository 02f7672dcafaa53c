"""The plan's life: readiness, submission, sign-offs, adoption and revision, through the
services and the pages, for every member of the cast."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from action_plans import workflow
from action_plans.models import PlanStatus, PlanTransition, PlanVersion, VersionStatus
from action_plans.policy import PlanAction
from action_plans.services import PlanReadOnly
from action_plans.workflow import TRANSITIONS, Step, TransitionRefused
from governance.models import Role, SignOff
from governance.services.signing import plan_sign
from governance.validation import required_signatures
from interventions.models import Intervention
from interventions.services import intervention_update
from tests import factories
from tests.conftest import Cast
from tests.conftest import approve_all as _approve_all


def _approve(signatory, plan, organisation):
    return plan_sign(
        actor=signatory, plan=plan, organisation=organisation, decision="approve", comment=""
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
    _approve(cast.signatory_x, cast.plan_a, cast.ministry_x)
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
    with pytest.raises(ValidationError) as no_reason:
        workflow.plan_revision_open(actor=cast.coordinator_a, plan=cast.plan_a, reason="", text="")
    assert set(no_reason.value.error_dict) == {"reason", "text"}
    workflow.plan_revision_open(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        reason="new_intervention",
        text="Reintegration of returnees",
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
        _approve(cast.signatory_x, cast.plan_a, cast.ministry_x)
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
        _approve(signatory_y, cast.plan_a, cast.ministry_x)
    _approve(cast.signatory_x, cast.plan_a, cast.ministry_x)
    with pytest.raises(ValidationError, match="already signed"):
        _approve(cast.signatory_x, cast.plan_a, cast.ministry_x)
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
        actor=actor, plan=cast.plan_a, reason="correction", text="A figure was wrong"
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
                        workflow.plan_revision_open(
                            actor=actor, plan=cast.plan_a, reason="correction", text="Why"
                        )
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
    assert "Why required" in page and "its signature is required" in page


def test_the_checklist_quotes_titles_as_the_reader_does(client, settings, cast, ready):
    client.force_login(cast.coordinator_a)
    page = client.get(reverse("plan_validation", args=[cast.plan_a.pk])).content.decode()
    assert "No strategy: “Fair recruitment”." in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    page = client.get(reverse("plan_validation", args=[cast.plan_a.pk])).content.decode()
    assert "Sans stratégie\xa0: «\xa0Fair recruitment\xa0»." in page


def test_an_adopted_version_lists_its_sign_offs_without_an_empty_column(client, cast, ready):
    _reach(cast, ready, PlanStatus.ADOPTED)
    client.force_login(cast.coordinator_a)
    page = client.get(reverse("plan_validation", args=[cast.plan_a.pk])).content.decode()
    assert "Version 1.0: Adopted" in page
    assert "4 of 4 required organisations have approved." in page
    # why each had to sign is not recorded with the sign-off: no column of dashes
    assert "Why required" not in page


def test_a_revision_is_submitted_with_its_changes_and_their_reasons(client, cast, ready):
    with pytest.raises(TransitionRefused):  # no revision open: nothing to record against
        workflow.plan_change_record(
            actor=cast.coordinator_a, plan=cast.plan_a, reason="correction", text="Typo"
        )
    _reach(cast, ready, PlanStatus.ADOPTED)
    workflow.plan_revision_open(
        actor=cast.coordinator_a, plan=cast.plan_a, reason="new_intervention", text="Reintegration"
    )
    workflow.plan_change_record(
        actor=cast.coordinator_a, plan=cast.plan_a, reason="funding_change", text="EU grant"
    )
    with pytest.raises(TransitionRefused):
        workflow.plan_change_record(
            actor=cast.editor_x, plan=cast.plan_a, reason="correction", text="Mine"
        )
    revision = workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
    assert [change.reason for change in revision.changes.all()] == [
        "new_intervention",
        "funding_change",
    ]
    plan_sign(
        actor=cast.signatory_x,
        plan=cast.plan_a,
        organisation=cast.ministry_x,
        decision="request_changes",
        comment="Say where the grant comes from",
    )
    with pytest.raises(TransitionRefused, match="record at least one"):
        workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
    workflow.plan_change_record(
        actor=cast.coordinator_a, plan=cast.plan_a, reason="correction", text="Grant's source"
    )
    again = workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
    assert again.number == "2.1"
    assert [change.text for change in again.changes.all()] == ["Grant's source"]
    from action_plans.documents import change_log

    assert [change.text for change in change_log(again)] == [  # since the adopted version
        "Reintegration",
        "EU grant",
        "Grant's source",
    ]
    client.force_login(cast.viewer_x)
    page = client.get(
        reverse("version_detail", args=[cast.plan_a.pk, revision.pk]), {"section": "funding"}
    )
    text = page.content.decode()
    assert "A funding change" in text and "EU grant" in text


def test_emails_and_notifications_follow_each_step_after_commit_only(
    client, cast, ready, django_capture_on_commit_callbacks, mailoutbox
):
    from django.db import transaction

    from action_plans.models import Notification

    for name, user in ready["signatories"].items():
        user.email = f"{name}@example.org"
        user.save()
    cast.coordinator_a.email = "coordinator@example.org"
    cast.coordinator_a.save()
    # A step rolled back tells no one.
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
        transaction.set_rollback(True)
    assert callbacks == [] and mailoutbox == []
    assert not Notification.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
    assert sorted(mail.to[0] for mail in mailoutbox) == [
        "lead_ministry@example.org",
        "ministry_x@example.org",
        "ministry_y@example.org",
        "statistics_office@example.org",
    ]
    assert "is open for validation" in mailoutbox[0].body
    assert "/validation/" in mailoutbox[0].body
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _approve(cast.signatory_x, cast.plan_a, cast.ministry_x)
    assert [mail.to for mail in mailoutbox] == [["coordinator@example.org"]]
    assert "MOL approved version 1.0" in mailoutbox[0].body
    assert "(1 of 4 required organisations)" in mailoutbox[0].body
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        plan_sign(
            actor=ready["signatories"]["ministry_y"],
            plan=cast.plan_a,
            organisation=cast.ministry_y,
            decision="request_changes",
            comment="Add health screening",
        )
    assert [mail.to for mail in mailoutbox] == [["coordinator@example.org"]]
    assert "MOH requested changes to version 1.0" in mailoutbox[0].body

    client.force_login(cast.coordinator_a)
    page = client.get(reverse("notification_list")).content.decode()
    assert "MOH requested changes to version 1.0" in page
    assert "MOL approved version 1.0" in page
    home = client.get(reverse("home")).content.decode()
    assert '2<span class="visually-hidden"> unread</span>' in home
    client.post(reverse("notification_list"))
    home = client.get(reverse("home")).content.decode()
    assert "unread</span>" not in home


def test_sign_offs_follow_the_lead_model(cast, ready):
    from action_plans.policy import Activity
    from governance.models import LeadArrangement, LeadModel, OrganisationType, Role
    from governance.services.lead_arrangement import LeadArrangementData, lead_arrangement_set
    from governance.services.memberships import membership_set
    from governance.services.participations import participation_add

    def arrange(model, leads, *, decision_power=False, validation=None):
        arrangement = LeadArrangement.objects.get(plan=cast.plan_a)
        lead_arrangement_set(
            actor=cast.administrator,
            plan=cast.plan_a,
            data=LeadArrangementData(
                model=model,
                leads=leads,
                has_decision_power=decision_power,
                responsibilities={activity.value: validation or leads[0] for activity in Activity},
            ),
            expected_version=arrangement.version,
        )

    # A coordinating body with decision power must approve, even where its participation
    # would not otherwise require its signature.
    council = factories.OrganisationFactory(
        name="Migration Council", acronym="MC", type=OrganisationType.COORDINATING_BODY
    )
    participation_add(
        actor=cast.administrator, plan=cast.plan_a, organisation=council, signatory_required=False
    )
    arrange(LeadModel.COORDINATING_BODY, [council])
    assert "MC" not in [item.name for item in required_signatures(cast.plan_a)]
    arrange(LeadModel.COORDINATING_BODY, [council], decision_power=True)
    reasons = {item.name: item.reason for item in required_signatures(cast.plan_a)}
    assert reasons["MC"] == "the coordinating body holds decision power"

    # Under external facilitation the facilitator cannot adopt; the government lead does.
    facilitator = cast.statistics_office
    facilitator.type = OrganisationType.INTERNATIONAL
    facilitator.save()
    arrange(
        LeadModel.EXTERNAL_FACILITATION, [facilitator, cast.lead_ministry], validation=facilitator
    )
    facilitator_coordinator = factories.UserFactory(username="coordinator_iom")
    membership_set(
        actor=None, user=facilitator_coordinator, organisation=facilitator, role=Role.COORDINATOR
    )
    _reach(cast, ready, PlanStatus.VALIDATED)
    with pytest.raises(TransitionRefused, match="adopted by a coordinator of MOI"):
        workflow.plan_adopt(
            actor=facilitator_coordinator,
            plan=cast.plan_a,
            adoption_date=timezone.localdate(),
            reference="Decree",
        )
    adopted = workflow.plan_adopt(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        adoption_date=timezone.localdate(),
        reference="Decree",
    )
    assert adopted.status == VersionStatus.ADOPTED


def test_each_step_records_who_took_it_and_for_which_organisation(cast, ready):
    workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
    plan_sign(
        actor=cast.signatory_x,
        plan=cast.plan_a,
        organisation=cast.ministry_x,
        decision="request_changes",
        comment="Add the health screening",
    )
    submitted, sent_back = PlanTransition.objects.filter(plan=cast.plan_a).order_by("pk")
    assert (submitted.actor, submitted.organisation_name) == (cast.coordinator_a, "MOI")
    assert (submitted.from_status, submitted.to_status) == ("draft", "in_validation")
    assert (sent_back.actor, sent_back.organisation_name) == (cast.signatory_x, "MOL")
    assert sent_back.comment == "Add the health screening"
    assert sent_back.version.number == "1.0"


def test_people_still_join_and_leave_the_organisations_of_a_plan_in_validation(cast, ready):
    """Memberships are not the plan's content: the grants they imply follow them."""
    from action_plans.permissions import plan_actions_for_user
    from governance.services.memberships import all_plan_permissions_sync, membership_set

    workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
    newcomer = factories.UserFactory(username="newcomer")
    membership_set(actor=None, user=newcomer, organisation=cast.ministry_x, role=Role.EDITOR)
    assert PlanAction.CONTRIBUTE in plan_actions_for_user(newcomer, cast.plan_a)
    all_plan_permissions_sync(sender=None)  # as after `migrate`
    assert _status(cast) == PlanStatus.IN_VALIDATION


def test_a_plan_that_no_organisation_signs_is_not_ready(cast, ready):
    from governance.models import Participation

    Participation.objects.filter(plan=cast.plan_a).update(signatory_required=False)
    from governance.models import LeadArrangement

    LeadArrangement.objects.filter(plan=cast.plan_a).update(model="single")
    with pytest.raises(TransitionRefused, match="No organisation's signature is required"):
        workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)


def test_progress_is_recorded_on_a_plan_in_validation_and_the_version_keeps_its_own(cast, ready):
    from datetime import date as day
    from decimal import Decimal

    from interventions.services import progress_approve, progress_submit

    version = workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
    indicator = ready["intervention"].indicators.get()
    progress = progress_submit(
        actor=cast.coordinator_a,
        indicator=indicator,
        measured_on=day(2026, 6, 30),
        value=Decimal(250),
        source="Labour register",
    )
    progress_approve(actor=cast.editor_s, progress=progress, expected_version=progress.version)
    assert indicator.progress.count() == 1
    frozen = [
        record
        for record in version.snapshot.content["sections"]["interventions"]["records"]
        if record["kind"] == "indicator"
    ]
    assert frozen[0]["fields"]["progress"] == []


def test_an_adopted_versions_sign_offs_stay_those_it_received(cast, ready):
    from governance.services.participations import participation_add
    from governance.validation import signatures

    _reach(cast, ready, PlanStatus.ADOPTED)
    adopted = workflow.official_version(cast.plan_a)
    before = [(row.required.name, row.decision) for row in signatures(cast.plan_a, adopted)]
    workflow.plan_revision_open(
        actor=cast.coordinator_a, plan=cast.plan_a, reason="re_scoping", text="A new partner"
    )
    participation_add(
        actor=cast.administrator,
        plan=cast.plan_a,
        organisation=factories.OrganisationFactory(name="Ministry of Finance", acronym="MOF"),
        signatory_required=True,
    )
    assert [(row.required.name, row.decision) for row in signatures(cast.plan_a, adopted)] == before
    assert "MOF" not in [name for name, _decision in before]
