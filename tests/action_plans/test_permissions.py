"""The role × action table of plans, as built by governance from the cast's records and
derived from the policy."""

import pytest
from django.contrib.auth.models import Permission

from action_plans.models import ActionPlan
from action_plans.permissions import (
    PlanAction,
    plan_actions_for_user,
    plan_for_user_or_404,
    plans_user_can,
)
from msd_planner.lib.errors import ActionRefused, ObjectHidden
from tests.conftest import Cast


@pytest.mark.parametrize("role", Cast.ROLES)
def test_each_member_of_the_cast_may_do_exactly_what_the_policy_gives_them(cast, role):
    """The grants governance wrote equal what the policy derives from each member's role
    and organisation, on both plans, in the access checks and in the lists."""
    from django.contrib.auth.models import AnonymousUser

    user = cast.user(role) or AnonymousUser()
    for plan in (cast.plan_a, cast.plan_b):
        expected = cast.expected_actions(role, plan)
        assert plan_actions_for_user(user, plan) == expected, plan
    for action in PlanAction:
        expected = {
            plan.pk
            for plan in (cast.plan_a, cast.plan_b)
            if action in cast.expected_actions(role, plan)
        }
        assert set(plans_user_can(user, action).values_list("pk", flat=True)) == expected


def test_what_the_policy_gives_reads_as_the_product_says(cast):
    """The policy itself, stated plainly for a few members of the cast."""
    lead_coordinator = cast.expected_actions("coordinator_a", cast.plan_a)
    assert {PlanAction.CHANGE, PlanAction.GOVERN, PlanAction.MONITOR} <= lead_coordinator
    # The statistics office leads monitoring: its editor does that work, and only that.
    statistics_editor = cast.expected_actions("editor_s", cast.plan_a)
    assert statistics_editor == {PlanAction.VIEW, PlanAction.CONTRIBUTE, PlanAction.MONITOR}
    # A coordinator of an organisation that does not lead does not run the plan.
    assert cast.expected_actions("coordinator_x", cast.plan_a) == {
        PlanAction.VIEW,
        PlanAction.CONTRIBUTE,
    }
    assert cast.expected_actions("signatory_x", cast.plan_a) == {PlanAction.VIEW, PlanAction.SIGN}
    assert cast.expected_actions("viewer_x", cast.plan_a) == {PlanAction.VIEW}
    assert cast.expected_actions("administrator", cast.plan_b) == {
        PlanAction.VIEW,
        PlanAction.GOVERN,
    }
    assert cast.expected_actions("coordinator_b", cast.plan_a) == frozenset()


def test_moving_an_activity_to_the_other_lead_body_moves_its_work(cast):
    from governance.models import Activity, LeadModel
    from governance.services.lead_arrangement import LeadArrangementData, lead_arrangement_set
    from tests.conftest import arrangement_version

    lead_arrangement_set(
        actor=cast.administrator,
        plan=cast.plan_a,
        data=LeadArrangementData(
            model=LeadModel.JOINT,
            leads=[cast.lead_ministry, cast.statistics_office],
            responsibilities={
                activity.value: cast.statistics_office
                if activity in (Activity.MONITORING, Activity.FRAMEWORK_REVIEW)
                else cast.lead_ministry
                for activity in Activity
            },
        ),
        expected_version=arrangement_version(cast.plan_a),
    )
    assert plan_actions_for_user(cast.editor_s, cast.plan_a) == {
        PlanAction.VIEW,
        PlanAction.CONTRIBUTE,
        PlanAction.MONITOR,
        PlanAction.REVIEW_FRAMEWORKS,
    }


def test_a_global_view_permission_exposes_no_other_organisations_plans(cast):
    outsider = cast.outsider
    outsider.user_permissions.add(Permission.objects.get(codename="view_actionplan"))
    outsider.user_permissions.add(Permission.objects.get(codename="change_actionplan"))
    outsider = type(outsider).objects.get(pk=outsider.pk)  # drop the permission cache
    assert outsider.has_perm("action_plans.view_actionplan")
    assert plans_user_can(outsider, PlanAction.VIEW).count() == 0
    assert plan_actions_for_user(outsider, cast.plan_a) == frozenset()


def test_hidden_plans_answer_404_and_refused_actions_403(cast):
    with pytest.raises(ObjectHidden):
        plan_for_user_or_404(cast.coordinator_b, cast.plan_a.pk)
    with pytest.raises(ObjectHidden):
        plan_for_user_or_404(cast.editor_x, 987654)
    with pytest.raises(ActionRefused):
        plan_for_user_or_404(cast.editor_x, cast.plan_a.pk, PlanAction.CHANGE)
    plan = plan_for_user_or_404(cast.coordinator_a, cast.plan_a.pk, PlanAction.CHANGE).plan
    assert isinstance(plan, ActionPlan)


def test_an_administrator_cannot_sign_for_an_organisation_they_are_not_in(cast):
    assert PlanAction.SIGN not in plan_actions_for_user(cast.administrator, cast.plan_a)
    assert plans_user_can(cast.administrator, PlanAction.SIGN).count() == 0


def test_a_deactivated_user_may_do_nothing(cast):
    cast.coordinator_a.is_active = False
    assert plan_actions_for_user(cast.coordinator_a, cast.plan_a) == frozenset()
    assert plans_user_can(cast.coordinator_a, PlanAction.VIEW).count() == 0
