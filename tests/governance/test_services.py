"""The governance services: who gets which rights on a plan, lead arrangements, accounts.

Every test goes through the real services and reads rights back the way the pages do,
with ``plan_actions_for_user``.
"""

import hashlib
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from action_plans.models import ActionPlanGroupObjectPermission
from action_plans.permissions import PlanAction, plan_actions_for_user
from action_plans.policy import ACTIVITY_ACTIONS
from governance.models import (
    Activity,
    Invitation,
    LeadArrangement,
    LeadBodyKind,
    LeadModel,
    Membership,
    Organisation,
    OrganisationType,
    Participation,
    Role,
    User,
)
from governance.services.accounts import (
    invitation_accept,
    invitation_for_token,
    user_deactivate,
    user_invite,
    user_reactivate,
)
from governance.services.lead_arrangement import (
    LeadArrangementData,
    lead_arrangement_problems,
    lead_arrangement_set,
)
from governance.services.memberships import membership_remove, membership_set, plan_permissions_sync
from governance.services.organisations import organisation_create
from governance.services.participations import participation_add, participation_remove
from tests import factories
from tests.conftest import arrangement_version
from tests.factories import PASSWORD

VIEW = PlanAction.VIEW
CONTRIBUTE = PlanAction.CONTRIBUTE
CHANGE = PlanAction.CHANGE
GOVERN = PlanAction.GOVERN
SIGN = PlanAction.SIGN

RUN_THE_PLAN = {VIEW, CONTRIBUTE, CHANGE, GOVERN, *ACTIVITY_ACTIONS.values()}
ACCEPT_URL = "https://planner.example.org/invitations/{token}/"
GOOD_PASSWORD = "labour-migration-2030"


def _newcomer(username: str = "newcomer") -> User:
    return factories.UserFactory(username=username)


def _member_of(organisation, role: str, username: str) -> User:
    user = _newcomer(username)
    membership_set(actor=None, user=user, organisation=organisation, role=role)
    return user


def _grants(plan) -> set[tuple[int, int, int]]:
    return set(
        ActionPlanGroupObjectPermission.objects.filter(content_object=plan).values_list(
            "id", "group_id", "permission_id"
        )
    )


def _governance_of(plan) -> dict:
    """Everything a lead arrangement change could touch, to show nothing was saved."""
    arrangement = LeadArrangement.objects.filter(plan=plan).first()
    return {
        "arrangement": arrangement
        and (arrangement.model, arrangement.has_decision_power, arrangement.notes),
        "bodies": arrangement and set(arrangement.bodies.values_list("organisation_id", "kind")),
        "responsibilities": arrangement
        and set(arrangement.responsibilities.values_list("activity", "lead_body__organisation_id")),
        "participants": set(plan.participations.values_list("organisation_id", flat=True)),
        "grants": _grants(plan),
        "history": LeadArrangement.history.count(),
    }


def _responsibilities(arrangement) -> dict[str, object]:
    return {
        responsibility.activity: responsibility.lead_body.organisation
        for responsibility in arrangement.responsibilities.select_related("lead_body__organisation")
    }


# --- memberships ---------------------------------------------------------------------


def test_joining_a_participating_organisation_as_viewer_lets_them_see_the_plan(cast):
    newcomer = _newcomer()
    assert plan_actions_for_user(newcomer, cast.plan_a) == set()

    membership_set(
        actor=cast.administrator, user=newcomer, organisation=cast.ministry_x, role=Role.VIEWER
    )

    assert plan_actions_for_user(newcomer, cast.plan_a) == {VIEW}
    assert plan_actions_for_user(newcomer, cast.plan_b) == set()


def test_changing_a_role_from_viewer_to_editor_lets_them_contribute(cast):
    membership_set(
        actor=cast.administrator, user=cast.viewer_x, organisation=cast.ministry_x, role=Role.EDITOR
    )

    assert plan_actions_for_user(cast.viewer_x, cast.plan_a) == {VIEW, CONTRIBUTE}
    assert cast.viewer_x.memberships.get().role == Role.EDITOR


def test_changing_a_role_from_editor_to_signatory_lets_them_sign_but_no_longer_contribute(cast):
    membership_set(
        actor=cast.administrator,
        user=cast.editor_x,
        organisation=cast.ministry_x,
        role=Role.SIGNATORY,
    )

    assert plan_actions_for_user(cast.editor_x, cast.plan_a) == {VIEW, SIGN}


def test_walking_a_user_through_viewer_editor_signatory_keeps_only_the_current_role(cast):
    newcomer = _newcomer()
    seen = []
    for role in (Role.VIEWER, Role.EDITOR, Role.SIGNATORY):
        membership_set(
            actor=cast.administrator, user=newcomer, organisation=cast.ministry_x, role=role
        )
        seen.append(plan_actions_for_user(newcomer, cast.plan_a))

    assert seen == [{VIEW}, {VIEW, CONTRIBUTE}, {VIEW, SIGN}]
    assert Membership.objects.filter(user=newcomer).count() == 1
    assert newcomer.groups.count() == 1


def test_the_coordinator_of_the_lead_ministry_runs_the_plan_and_a_partner_coordinator_does_not(
    cast,
):
    assert plan_actions_for_user(cast.coordinator_a, cast.plan_a) == RUN_THE_PLAN
    assert plan_actions_for_user(cast.coordinator_x, cast.plan_a) == {VIEW, CONTRIBUTE}


def test_removing_a_membership_removes_all_access_to_the_plan(cast):
    membership = cast.signatory_x.memberships.get()

    membership_remove(actor=cast.administrator, membership=membership)

    assert plan_actions_for_user(cast.signatory_x, cast.plan_a) == set()
    assert not Membership.objects.filter(pk=membership.pk).exists()
    # Colleagues in the same organisation keep their access.
    assert plan_actions_for_user(cast.editor_x, cast.plan_a) == {VIEW, CONTRIBUTE}


def test_removing_one_of_two_memberships_keeps_the_rights_of_the_other(cast):
    membership_set(
        actor=cast.administrator, user=cast.viewer_x, organisation=cast.ministry_y, role=Role.EDITOR
    )
    assert plan_actions_for_user(cast.viewer_x, cast.plan_a) == {VIEW, CONTRIBUTE}

    membership_remove(
        actor=cast.administrator,
        membership=cast.viewer_x.memberships.get(organisation=cast.ministry_y),
    )

    assert plan_actions_for_user(cast.viewer_x, cast.plan_a) == {VIEW}


def test_setting_the_same_role_twice_writes_no_extra_history(cast):
    before = Membership.history.count()

    membership_set(
        actor=cast.administrator, user=cast.editor_x, organisation=cast.ministry_x, role=Role.EDITOR
    )

    assert Membership.history.count() == before
    assert plan_actions_for_user(cast.editor_x, cast.plan_a) == {VIEW, CONTRIBUTE}


def test_a_role_change_is_recorded_in_history_with_the_administrator_as_author(cast):
    membership_set(
        actor=cast.administrator, user=cast.viewer_x, organisation=cast.ministry_x, role=Role.EDITOR
    )

    latest = Membership.history.filter(user=cast.viewer_x).first()
    assert (latest.role, latest.history_type, latest.history_user) == (
        Role.EDITOR,
        "~",
        cast.administrator,
    )


# --- participation -------------------------------------------------------------------


def test_adding_an_organisation_to_a_plan_lets_its_members_see_it_by_role(cast):
    assert plan_actions_for_user(cast.outsider, cast.plan_a) == set()

    participation_add(
        actor=cast.administrator,
        plan=cast.plan_a,
        organisation=cast.outside_org,
        signatory_required=False,
    )

    assert plan_actions_for_user(cast.outsider, cast.plan_a) == {VIEW, CONTRIBUTE}
    assert plan_actions_for_user(cast.outsider, cast.plan_b) == set()


def test_removing_an_organisation_from_a_plan_ends_its_members_access_at_once(cast):
    participation = cast.plan_a.participations.get(organisation=cast.ministry_x)

    participation_remove(actor=cast.administrator, participation=participation)

    for user in (cast.editor_x, cast.signatory_x, cast.viewer_x):
        assert plan_actions_for_user(user, cast.plan_a) == set()
    # Other participants and the lead keep theirs.
    assert plan_actions_for_user(cast.editor_y, cast.plan_a) == {VIEW, CONTRIBUTE}
    assert plan_actions_for_user(cast.coordinator_a, cast.plan_a) == RUN_THE_PLAN


def test_the_lead_body_cannot_be_taken_out_of_its_plan_and_nothing_changes(cast):
    participation = cast.plan_a.participations.get(organisation=cast.lead_ministry)
    before = _governance_of(cast.plan_a)

    with pytest.raises(ValidationError, match="leads or advises this plan"):
        participation_remove(actor=cast.administrator, participation=participation)

    assert _governance_of(cast.plan_a) == before
    assert plan_actions_for_user(cast.coordinator_a, cast.plan_a) == RUN_THE_PLAN


def test_an_adviser_cannot_be_taken_out_of_its_plan_either(cast):
    iom = factories.OrganisationFactory(name="IOM", type=OrganisationType.INTERNATIONAL)
    lead_arrangement_set(
        actor=cast.administrator,
        plan=cast.plan_a,
        expected_version=arrangement_version(cast.plan_a),
        data=LeadArrangementData(
            model=LeadModel.SINGLE, leads=[cast.lead_ministry], advisers=[iom]
        ),
    )

    with pytest.raises(ValidationError):
        participation_remove(
            actor=cast.administrator, participation=cast.plan_a.participations.get(organisation=iom)
        )

    assert cast.plan_a.participations.filter(organisation=iom).exists()


def test_adding_the_same_organisation_twice_is_refused_on_the_organisation_field(cast):
    with pytest.raises(ValidationError) as refused:
        participation_add(
            actor=cast.administrator,
            plan=cast.plan_a,
            organisation=cast.ministry_x,
            signatory_required=False,
        )

    assert "already takes part in this plan" in refused.value.message_dict["organisation"][0]
    participations = Participation.objects.filter(plan=cast.plan_a, organisation=cast.ministry_x)
    assert participations.count() == 1
    assert participations.get().signatory_required is True


# --- lead arrangement: who runs the plan ---------------------------------------------


def test_switching_the_lead_moves_change_and_govern_rights_to_the_new_leads_coordinators(cast):
    coordinator_x = cast.coordinator_x
    assert plan_actions_for_user(coordinator_x, cast.plan_a) == {VIEW, CONTRIBUTE}

    lead_arrangement_set(
        actor=cast.administrator,
        plan=cast.plan_a,
        expected_version=arrangement_version(cast.plan_a),
        data=LeadArrangementData(model=LeadModel.SINGLE, leads=[cast.ministry_x]),
    )

    assert plan_actions_for_user(coordinator_x, cast.plan_a) == RUN_THE_PLAN
    # The old lead stays in the plan, but only views and contributes.
    assert plan_actions_for_user(cast.coordinator_a, cast.plan_a) == {VIEW, CONTRIBUTE}
    assert cast.plan_a.participations.filter(organisation=cast.lead_ministry).exists()
    # The new lead's editors do the work of the activities it leads; they do not run it.
    assert plan_actions_for_user(cast.editor_x, cast.plan_a) == {
        VIEW,
        CONTRIBUTE,
        *ACTIVITY_ACTIONS.values(),
    }


def test_switching_the_lead_moves_every_activity_to_the_new_lead(cast):
    arrangement = lead_arrangement_set(
        actor=cast.administrator,
        plan=cast.plan_a,
        expected_version=arrangement_version(cast.plan_a),
        data=LeadArrangementData(model=LeadModel.SINGLE, leads=[cast.ministry_y]),
    )

    assert _responsibilities(arrangement) == {activity: cast.ministry_y for activity in Activity}
    assert set(arrangement.bodies.values_list("organisation", "kind")) == {
        (cast.ministry_y.pk, LeadBodyKind.LEAD)
    }


def test_new_lead_bodies_and_advisers_take_part_in_the_plan_automatically(cast):
    agency = factories.OrganisationFactory(name="Migration Agency")
    iom = factories.OrganisationFactory(
        name="International Organization for Migration",
        acronym="IOM",
        type=OrganisationType.INTERNATIONAL,
        level="international",
    )
    agency_coordinator = _member_of(agency, Role.COORDINATOR, "agency_coordinator")
    iom_coordinator = _member_of(iom, Role.COORDINATOR, "iom_coordinator")

    lead_arrangement_set(
        actor=cast.administrator,
        plan=cast.plan_a,
        expected_version=arrangement_version(cast.plan_a),
        data=LeadArrangementData(model=LeadModel.SINGLE, leads=[agency], advisers=[iom]),
    )

    signatures = dict(
        cast.plan_a.participations.filter(organisation__in=[agency, iom]).values_list(
            "organisation", "signatory_required"
        )
    )
    assert signatures == {agency.pk: True, iom.pk: False}
    assert plan_actions_for_user(agency_coordinator, cast.plan_a) == RUN_THE_PLAN
    assert plan_actions_for_user(iom_coordinator, cast.plan_a) == {VIEW, CONTRIBUTE}


def test_syncing_plan_permissions_twice_leaves_the_same_grants(cast):
    plan_permissions_sync(cast.plan_a)
    first = _grants(cast.plan_a)

    plan_permissions_sync(cast.plan_a)

    assert first  # the cast has participants, so there is something to compare
    assert _grants(cast.plan_a) == first


def test_syncing_plan_permissions_repairs_a_missing_or_stray_grant(cast):
    expected = {(group, permission) for _id, group, permission in _grants(cast.plan_a)}
    coordinator_grant = ActionPlanGroupObjectPermission.objects.filter(
        content_object=cast.plan_a,
        group__user=cast.coordinator_a,
        permission__codename="govern_actionplan",
    ).get()
    coordinator_grant.delete()
    stray = ActionPlanGroupObjectPermission.objects.filter(
        content_object=cast.plan_a,
        group__user=cast.coordinator_a,
        permission__codename="change_actionplan",
    ).get()
    ActionPlanGroupObjectPermission.objects.create(
        content_object=cast.plan_a,
        group=cast.viewer_x.groups.get(),
        permission=stray.permission,
    )
    assert plan_actions_for_user(cast.viewer_x, cast.plan_a) == {VIEW, CHANGE}

    plan_permissions_sync(cast.plan_a)

    assert {(group, permission) for _id, group, permission in _grants(cast.plan_a)} == expected
    assert plan_actions_for_user(cast.viewer_x, cast.plan_a) == {VIEW}
    assert plan_actions_for_user(cast.coordinator_a, cast.plan_a) == RUN_THE_PLAN


# --- lead arrangement: validation ----------------------------------------------------


@pytest.fixture
def bodies(cast):
    """Candidate lead bodies beside the cast's ministries."""
    return {
        "migration": factories.OrganisationFactory(name="Ministry of Migration", acronym="MOM"),
        "statistics": factories.OrganisationFactory(
            name="Ghana Statistical Service",
            acronym="GSS",
            type=OrganisationType.STATISTICS_OFFICE,
        ),
        "health": cast.ministry_y,
        "council": factories.OrganisationFactory(
            name="National Migration Working Group",
            acronym="NMWG",
            type=OrganisationType.COORDINATING_BODY,
        ),
        "second_council": factories.OrganisationFactory(
            name="Inter-ministerial Migration Council",
            type=OrganisationType.COORDINATING_BODY,
        ),
        "iom": factories.OrganisationFactory(
            name="International Organization for Migration",
            acronym="IOM",
            type=OrganisationType.INTERNATIONAL,
            level="international",
        ),
    }


def _split(migration, statistics, **overrides) -> dict[str, object]:
    """The joint lead of the guide: statistics leads monitoring, migration the rest."""
    split = {activity.value: migration for activity in Activity}
    split[Activity.MONITORING] = statistics
    split.update(overrides)
    return split


INVALID_ARRANGEMENTS = {
    "single_lead_without_a_lead": (
        lambda b: LeadArrangementData(model=LeadModel.SINGLE, leads=[]),
        "leads",
        "exactly one lead body",
    ),
    "single_lead_with_two_leads": (
        lambda b: LeadArrangementData(
            model=LeadModel.SINGLE, leads=[b["migration"], b["statistics"]]
        ),
        "leads",
        "exactly one lead body",
    ),
    "joint_lead_with_one_lead": (
        lambda b: LeadArrangementData(
            model=LeadModel.JOINT,
            leads=[b["migration"]],
            responsibilities={activity.value: b["migration"] for activity in Activity},
        ),
        "leads",
        "exactly two lead bodies",
    ),
    "joint_lead_with_three_leads": (
        lambda b: LeadArrangementData(
            model=LeadModel.JOINT,
            leads=[b["migration"], b["statistics"], b["health"]],
            responsibilities=_split(
                b["migration"], b["statistics"], **{Activity.VALIDATION: b["health"]}
            ),
        ),
        "leads",
        "exactly two lead bodies",
    ),
    "joint_lead_with_validation_unassigned": (
        lambda b: LeadArrangementData(
            model=LeadModel.JOINT,
            leads=[b["migration"], b["statistics"]],
            responsibilities={
                activity: organisation
                for activity, organisation in _split(b["migration"], b["statistics"]).items()
                if activity != Activity.VALIDATION
            },
        ),
        "responsibility_validation",
        "every activity needs a lead body",
    ),
    "joint_lead_where_the_second_lead_leads_nothing": (
        lambda b: LeadArrangementData(
            model=LeadModel.JOINT,
            leads=[b["migration"], b["statistics"]],
            responsibilities={activity.value: b["migration"] for activity in Activity},
        ),
        "leads",
        "each lead body leads at least one activity",
    ),
    "coordinating_body_model_led_by_a_ministry": (
        lambda b: LeadArrangementData(model=LeadModel.COORDINATING_BODY, leads=[b["migration"]]),
        "leads",
        "must be a coordinating council",
    ),
    "coordinating_body_model_with_two_councils": (
        lambda b: LeadArrangementData(
            model=LeadModel.COORDINATING_BODY, leads=[b["council"], b["second_council"]]
        ),
        "leads",
        "the one coordinating council",
    ),
    "external_facilitation_without_an_international_organisation": (
        lambda b: LeadArrangementData(
            model=LeadModel.EXTERNAL_FACILITATION, leads=[b["migration"], b["statistics"]]
        ),
        "leads",
        "needs an international organisation",
    ),
    "an_organisation_leading_and_advising": (
        lambda b: LeadArrangementData(
            model=LeadModel.SINGLE, leads=[b["migration"]], advisers=[b["migration"], b["iom"]]
        ),
        "advisers",
        "cannot both lead and advise",
    ),
    "a_responsibility_given_to_a_non_lead": (
        lambda b: LeadArrangementData(
            model=LeadModel.SINGLE,
            leads=[b["migration"]],
            responsibilities={Activity.MONITORING.value: b["statistics"]},
        ),
        "responsibility_monitoring",
        "is not a lead body of this plan",
    ),
}


@pytest.mark.parametrize(
    ("build", "field_name", "message"),
    INVALID_ARRANGEMENTS.values(),
    ids=INVALID_ARRANGEMENTS.keys(),
)
def test_an_inconsistent_lead_arrangement_is_refused_and_nothing_is_saved(
    cast, bodies, build, field_name, message
):
    data = build(bodies)
    problems = lead_arrangement_problems(data)
    assert any(message in problem for problem in problems.get(field_name, [])), problems

    before = _governance_of(cast.plan_a)
    with pytest.raises(ValidationError) as refused:
        lead_arrangement_set(
            actor=cast.administrator,
            plan=cast.plan_a,
            expected_version=arrangement_version(cast.plan_a),
            data=data,
        )

    assert field_name in refused.value.message_dict
    assert _governance_of(cast.plan_a) == before
    assert plan_actions_for_user(cast.coordinator_a, cast.plan_a) == RUN_THE_PLAN


VALID_ARRANGEMENTS = {
    "single_lead": lambda b: LeadArrangementData(model=LeadModel.SINGLE, leads=[b["migration"]]),
    "joint_lead_split_by_activity": lambda b: LeadArrangementData(
        model=LeadModel.JOINT,
        leads=[b["migration"], b["statistics"]],
        responsibilities=_split(b["migration"], b["statistics"]),
    ),
    "coordinating_body": lambda b: LeadArrangementData(
        model=LeadModel.COORDINATING_BODY, leads=[b["council"]], has_decision_power=True
    ),
    "external_facilitation_by_iom_with_the_ministry": lambda b: LeadArrangementData(
        model=LeadModel.EXTERNAL_FACILITATION, leads=[b["iom"], b["migration"]]
    ),
    "single_lead_with_an_international_adviser": lambda b: LeadArrangementData(
        model=LeadModel.SINGLE, leads=[b["migration"]], advisers=[b["iom"]]
    ),
}


@pytest.mark.parametrize("build", VALID_ARRANGEMENTS.values(), ids=VALID_ARRANGEMENTS.keys())
def test_a_consistent_lead_arrangement_has_no_problems(bodies, build):
    assert lead_arrangement_problems(build(bodies)) == {}


def test_a_joint_lead_saves_one_responsibility_per_activity_with_the_right_lead(cast, bodies):
    migration, statistics = bodies["migration"], bodies["statistics"]
    migration_coordinator = _member_of(migration, Role.COORDINATOR, "migration_coordinator")
    statistics_coordinator = _member_of(statistics, Role.COORDINATOR, "statistics_coordinator")

    arrangement = lead_arrangement_set(
        actor=cast.administrator,
        plan=cast.plan_a,
        expected_version=arrangement_version(cast.plan_a),
        data=LeadArrangementData(
            model=LeadModel.JOINT,
            leads=[migration, statistics],
            responsibilities={
                Activity.PRIORITISATION: migration,
                Activity.INTERVENTION_DESIGN: migration,
                Activity.FRAMEWORK_REVIEW: migration,
                Activity.RESOURCE_MOBILISATION: migration,
                Activity.VALIDATION: migration,
                Activity.MONITORING: statistics,
            },
        ),
    )

    assert arrangement.model == LeadModel.JOINT
    assert arrangement.responsibilities.count() == len(Activity) == 6
    assert _responsibilities(arrangement) == {
        Activity.PRIORITISATION: migration,
        Activity.INTERVENTION_DESIGN: migration,
        Activity.FRAMEWORK_REVIEW: migration,
        Activity.RESOURCE_MOBILISATION: migration,
        Activity.VALIDATION: migration,
        Activity.MONITORING: statistics,
    }
    assert set(arrangement.responsibilities.values_list("lead_body__kind", flat=True)) == {
        LeadBodyKind.LEAD
    }
    # Both leads run the plan; the former single lead only takes part.
    assert plan_actions_for_user(migration_coordinator, cast.plan_a) == RUN_THE_PLAN
    assert plan_actions_for_user(statistics_coordinator, cast.plan_a) == RUN_THE_PLAN
    assert plan_actions_for_user(cast.coordinator_a, cast.plan_a) == {VIEW, CONTRIBUTE}


def test_a_single_lead_is_given_all_six_activities(cast):
    arrangement = cast.plan_b.lead_arrangement

    assert _responsibilities(arrangement) == {activity.value: cast.city_b for activity in Activity}


def test_a_single_lead_keeps_the_activities_named_and_is_given_the_rest(cast, bodies):
    migration = bodies["migration"]

    arrangement = lead_arrangement_set(
        actor=cast.administrator,
        plan=cast.plan_a,
        expected_version=arrangement_version(cast.plan_a),
        data=LeadArrangementData(
            model=LeadModel.SINGLE,
            leads=[migration],
            responsibilities={Activity.MONITORING.value: migration},
        ),
    )

    assert _responsibilities(arrangement) == {activity.value: migration for activity in Activity}


def test_going_from_joint_back_to_single_lead_gives_every_activity_to_the_single_lead(cast, bodies):
    migration, statistics = bodies["migration"], bodies["statistics"]
    lead_arrangement_set(
        actor=cast.administrator,
        plan=cast.plan_a,
        expected_version=arrangement_version(cast.plan_a),
        data=LeadArrangementData(
            model=LeadModel.JOINT,
            leads=[migration, statistics],
            responsibilities=_split(migration, statistics),
        ),
    )

    arrangement = lead_arrangement_set(
        actor=cast.administrator,
        plan=cast.plan_a,
        expected_version=arrangement_version(cast.plan_a),
        data=LeadArrangementData(model=LeadModel.SINGLE, leads=[migration]),
    )

    assert _responsibilities(arrangement) == {activity.value: migration for activity in Activity}
    assert list(arrangement.bodies.values_list("organisation", flat=True)) == [migration.pk]


def test_naming_the_same_ministry_twice_as_single_lead_still_assigns_every_activity(cast, bodies):
    migration = bodies["migration"]
    data = LeadArrangementData(model=LeadModel.SINGLE, leads=[migration, migration])

    try:
        arrangement = lead_arrangement_set(
            actor=cast.administrator,
            plan=cast.plan_a,
            expected_version=arrangement_version(cast.plan_a),
            data=data,
        )
    except ValidationError:
        # Refusing the duplicate would be fine too, as long as nothing was saved.
        assert cast.plan_a.lead_arrangement.bodies.get().organisation == cast.lead_ministry
    else:
        assert _responsibilities(arrangement) == {
            activity.value: migration for activity in Activity
        }


@pytest.mark.parametrize(
    ("model", "lead", "kept"),
    [
        (LeadModel.COORDINATING_BODY, "council", True),
        (LeadModel.SINGLE, "migration", False),
        (LeadModel.EXTERNAL_FACILITATION, "iom", False),
    ],
)
def test_decision_power_is_kept_only_for_a_coordinating_body(cast, bodies, model, lead, kept):
    arrangement = lead_arrangement_set(
        actor=cast.administrator,
        plan=cast.plan_a,
        expected_version=arrangement_version(cast.plan_a),
        data=LeadArrangementData(model=model, leads=[bodies[lead]], has_decision_power=True),
    )

    arrangement.refresh_from_db()
    assert arrangement.has_decision_power is kept


# --- invitations ---------------------------------------------------------------------


def _invite(cast, email="Ama.Serwaa@Labour.example", role=Role.EDITOR):
    return user_invite(
        actor=cast.administrator,
        email=email,
        first_name=" Ama ",
        last_name="Serwaa",
        organisation=cast.ministry_x,
        role=role,
        accept_url_template=ACCEPT_URL,
    )


def _token_from(message) -> str:
    found = re.search(r"https://planner\.example\.org/invitations/([^/\s]+)/", message.body)
    assert found, message.body
    return found[1]


@pytest.fixture
def invited(cast, django_capture_on_commit_callbacks):
    """An invited user, the invitation and the token from the email."""
    with django_capture_on_commit_callbacks(execute=True):
        user, invitation = _invite(cast)
    return user, invitation, _token_from(mail.outbox[-1])


def test_inviting_creates_an_account_without_a_usable_password_and_with_its_membership(cast):
    user, invitation = _invite(cast)

    user.refresh_from_db()
    assert (user.username, user.email, user.first_name) == (
        "ama.serwaa@labour.example",
        "ama.serwaa@labour.example",
        "Ama",
    )
    assert user.is_active
    assert not user.has_usable_password()
    assert user.memberships.get().organisation == cast.ministry_x
    assert plan_actions_for_user(user, cast.plan_a) == {VIEW, CONTRIBUTE}
    assert invitation.is_usable
    assert invitation.invited_by == cast.administrator


def test_the_invitation_email_leaves_after_commit_with_the_accept_link(
    cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _invite(cast)
        assert mail.outbox == []  # nothing leaves before the transaction commits

    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ama.serwaa@labour.example"]
    token = _token_from(message)
    assert f"https://planner.example.org/invitations/{token}/" in message.body
    assert "Ministry of Labour" in message.body


def test_the_invitation_token_is_stored_only_as_a_hash(invited):
    _user, invitation, token = invited
    invitation.refresh_from_db()

    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in invitation.token_hash
    assert not Invitation.objects.filter(token_hash=token).exists()
    assert invitation_for_token(token) == invitation


def test_inviting_an_email_already_in_use_is_refused_on_the_email_field_whatever_the_case(
    cast, django_capture_on_commit_callbacks
):
    users_before = User.objects.count()

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ValidationError) as refused,
    ):
        _invite(cast, email=" EDITOR_X@Example.ORG ")

    assert "already uses this email address" in refused.value.message_dict["email"][0]
    assert User.objects.count() == users_before
    assert mail.outbox == []


def test_inviting_an_address_that_is_already_someones_username_is_refused_on_the_email_field(
    cast,
):
    factories.UserFactory(username="ama.serwaa@labour.example", email="ama@home.example")

    with pytest.raises(ValidationError) as refused:
        _invite(cast)

    assert "email" in refused.value.message_dict


def test_accepting_an_invitation_sets_the_password_and_lets_them_sign_in(invited):
    user, invitation, token = invited

    accepted = invitation_accept(token=token, password=GOOD_PASSWORD)

    assert accepted == user
    user.refresh_from_db()
    assert user.check_password(GOOD_PASSWORD)
    invitation.refresh_from_db()
    assert invitation.used_at is not None
    response = Client().post(
        reverse("login"), {"username": user.username, "password": GOOD_PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_an_invitation_works_only_once(invited):
    user, _invitation, token = invited
    invitation_accept(token=token, password=GOOD_PASSWORD)

    with pytest.raises(ValidationError, match="expired or has already been used"):
        invitation_accept(token=token, password="another-long-passphrase-2030")

    user.refresh_from_db()
    assert user.check_password(GOOD_PASSWORD)
    assert invitation_for_token(token) is None


def test_an_expired_invitation_cannot_be_accepted(invited):
    user, invitation, token = invited
    invitation.expires_at = timezone.now() - timedelta(minutes=1)
    invitation.save(update_fields=["expires_at"])

    with pytest.raises(ValidationError, match="expired or has already been used"):
        invitation_accept(token=token, password=GOOD_PASSWORD)

    user.refresh_from_db()
    assert not user.has_usable_password()


def test_an_unknown_token_is_refused(invited):
    with pytest.raises(ValidationError, match="expired or has already been used"):
        invitation_accept(token="not-a-real-token", password=GOOD_PASSWORD)


def test_a_weak_password_is_refused_and_the_invitation_stays_usable(invited):
    user, invitation, token = invited

    with pytest.raises(ValidationError) as refused:
        invitation_accept(token=token, password="password")

    assert any("too common" in message for message in refused.value.messages)
    user.refresh_from_db()
    assert not user.has_usable_password()
    invitation.refresh_from_db()
    assert invitation.is_usable
    # The same link still works with a good password.
    invitation_accept(token=token, password=GOOD_PASSWORD)
    user.refresh_from_db()
    assert user.check_password(GOOD_PASSWORD)


def test_a_password_like_the_users_own_email_is_refused(invited):
    _user, _invitation, token = invited

    with pytest.raises(ValidationError, match="too similar"):
        invitation_accept(token=token, password="ama.serwaa@labour.example")


def test_the_invitation_of_a_deactivated_user_cannot_be_accepted(cast, invited):
    user, _invitation, token = invited
    user_deactivate(actor=cast.administrator, user=user)

    with pytest.raises(ValidationError, match="expired or has already been used"):
        invitation_accept(token=token, password=GOOD_PASSWORD)

    user.refresh_from_db()
    assert not user.has_usable_password()
    assert invitation_for_token(token) is None


# --- deactivation --------------------------------------------------------------------


def _signed_in(user) -> Client:
    browser = Client()
    browser.force_login(user)
    assert browser.get(reverse("home")).status_code == 200
    return browser


def _session_exists(browser: Client) -> bool:
    key = browser.cookies[settings.SESSION_COOKIE_NAME].value
    return Session.objects.filter(session_key=key).exists()


def test_deactivating_a_user_signs_them_out_but_not_their_colleagues(cast):
    editor = _signed_in(cast.editor_x)
    colleague = _signed_in(cast.signatory_x)

    user_deactivate(actor=cast.administrator, user=cast.editor_x)

    cast.editor_x.refresh_from_db()
    assert cast.editor_x.is_active is False
    assert not _session_exists(editor)
    assert _session_exists(colleague)
    response = editor.get("/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert colleague.get("/").status_code == 200


def test_a_deactivated_user_loses_plan_access_and_cannot_sign_in(cast):
    user_deactivate(actor=cast.administrator, user=cast.editor_x)
    cast.editor_x.refresh_from_db()

    assert plan_actions_for_user(cast.editor_x, cast.plan_a) == set()
    browser = Client()
    response = browser.post(reverse("login"), {"username": "editor_x", "password": PASSWORD})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert "_auth_user_id" not in browser.session


def test_an_administrator_cannot_deactivate_themselves(cast):
    browser = _signed_in(cast.administrator)

    with pytest.raises(ValidationError, match="your own account"):
        user_deactivate(actor=cast.administrator, user=cast.administrator)

    cast.administrator.refresh_from_db()
    assert cast.administrator.is_active
    assert _session_exists(browser)


def test_reactivating_a_user_lets_them_sign_in_again(cast):
    user_deactivate(actor=cast.administrator, user=cast.editor_x)
    user_reactivate(actor=cast.administrator, user=cast.editor_x)

    cast.editor_x.refresh_from_db()
    assert cast.editor_x.is_active
    response = Client().post(reverse("login"), {"username": "editor_x", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert plan_actions_for_user(cast.editor_x, cast.plan_a) == {VIEW, CONTRIBUTE}


def test_deactivation_and_reactivation_are_recorded_with_the_administrator_as_author(cast):
    user_deactivate(actor=cast.administrator, user=cast.editor_x)
    deactivated = cast.editor_x.history.first()
    user_reactivate(actor=cast.administrator, user=cast.editor_x)
    reactivated = cast.editor_x.history.first()

    assert (deactivated.is_active, deactivated.history_user) == (False, cast.administrator)
    assert (reactivated.is_active, reactivated.history_user) == (True, cast.administrator)
    assert reactivated.history_id != deactivated.history_id


def test_only_the_name_constraint_becomes_the_name_message(cast):
    duplicate = Organisation(
        name="ministry of labour", type=OrganisationType.MINISTRY, level="national", country="GH"
    )
    with pytest.raises(ValidationError) as refused:
        organisation_create(actor=cast.administrator, organisation=duplicate)
    assert "already exists in this country" in refused.value.message_dict["name"][0]

    # Any other integrity error is a bug to surface, not a duplicate name.
    unknown_type = Organisation(name="Ministry of Space", type="spaceship", level="national")
    with pytest.raises(IntegrityError, match="organisation_type_known"):
        organisation_create(actor=cast.administrator, organisation=unknown_type)


@pytest.mark.parametrize(
    ("model_name", "field", "value"),
    [
        ("Organisation", "level", "galactic"),
        ("Organisation", "credit_preference", "loudly"),
        ("LeadArrangement", "model", "dictatorship"),
        ("LeadBody", "kind", "sponsor"),
        ("Responsibility", "activity", "lunch"),
    ],
)
def test_the_database_refuses_unknown_choices(cast, model_name, field, value):
    arrangement = cast.plan_a.lead_arrangement
    rows = {
        "Organisation": Organisation.objects.filter(pk=cast.ministry_x.pk),
        "LeadArrangement": LeadArrangement.objects.filter(pk=arrangement.pk),
        "LeadBody": arrangement.bodies.all(),
        "Responsibility": arrangement.responsibilities.all(),
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        rows[model_name].update(**{field: value})


def test_migrating_recomputes_every_plans_grants_from_the_policy(cast):
    """An upgrade whose policy gives a new action takes effect on the plans that exist."""
    from django.core.management import call_command

    ActionPlanGroupObjectPermission.objects.filter(
        permission__codename="monitor_actionplan"
    ).delete()
    assert PlanAction.MONITOR not in plan_actions_for_user(cast.editor_s, cast.plan_a)
    call_command("migrate", verbosity=0)
    assert PlanAction.MONITOR in plan_actions_for_user(cast.editor_s, cast.plan_a)
