"""The role × action table of plans, as built by governance from the cast's records."""

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

V, C, CH, G, S = (
    PlanAction.VIEW,
    PlanAction.CONTRIBUTE,
    PlanAction.CHANGE,
    PlanAction.GOVERN,
    PlanAction.SIGN,
)

# What each member of the cast may do on plan A and on plan B.
EXPECTED = {
    "anonymous": (set(), set()),
    "administrator": ({V, G}, {V, G}),
    "coordinator_a": ({V, C, CH, G}, set()),
    "editor_x": ({V, C}, set()),
    "signatory_x": ({V, S}, set()),
    "viewer_x": ({V}, set()),
    "editor_y": ({V, C}, set()),
    "coordinator_b": (set(), {V, C, CH, G}),
    "outsider": (set(), set()),
}


@pytest.mark.parametrize("role", EXPECTED)
def test_each_role_may_do_exactly_its_actions(cast, role):
    from django.contrib.auth.models import AnonymousUser

    user = cast.user(role) or AnonymousUser()
    on_a, on_b = EXPECTED[role]
    assert plan_actions_for_user(user, cast.plan_a) == on_a
    assert plan_actions_for_user(user, cast.plan_b) == on_b
    for action in PlanAction:
        expected = {
            plan.pk
            for plan, allowed in ((cast.plan_a, on_a), (cast.plan_b, on_b))
            if action in allowed
        }
        assert set(plans_user_can(user, action).values_list("pk", flat=True)) == expected


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
