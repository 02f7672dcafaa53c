"""The role × action table of plans: the grants governance writes from the cast's
records, and what the access helpers let each member do, cell by cell against the table
written by hand in tests/cast_access.py (a draft, and a plan outside a draft)."""

import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from django.utils import timezone

from action_plans import workflow
from action_plans.models import ActionPlan, PlanStatus
from action_plans.permissions import (
    PlanAction,
    plan_actions_for_user,
    plan_for_user_or_404,
    plans_user_can,
)
from msd_planner.lib.errors import ActionRefused, ObjectHidden, PlanClosed
from tests.cast_access import (
    CLOSED,
    NO,
    PLAN_A_DRAFT,
    PLAN_A_NOT_A_DRAFT,
    PLAN_B_DRAFT,
    YES,
    AccessTable,
)
from tests.conftest import Cast, approve_all

HIDDEN, REFUSED = "hidden (404)", "refused (403)"


def _outcome(user, plan: ActionPlan, action: PlanAction) -> str:
    """What the access helper makes of ``user`` asking for ``action`` on ``plan``, in the
    table's words (or the refusal, where the table says "-")."""
    try:
        access = plan_for_user_or_404(user, plan.pk, action)
    except ObjectHidden:
        return HIDDEN
    except ActionRefused:
        return REFUSED
    except PlanClosed:
        return CLOSED
    if not (access.may(action) and access.may_edit(action)):
        return "let in, but neither may nor may_edit says so"
    return YES


def _expected(table: AccessTable, role: str, action: PlanAction) -> str:
    mark = table.mark(role, action)
    if mark != NO:
        return mark
    return REFUSED if table.mark(role, PlanAction.VIEW) != NO else HIDDEN


def _differences(cast: Cast, plan: ActionPlan, table: AccessTable) -> list[str]:
    """Each cell where the grants, the plans lists or the access helper disagree with
    ``table``."""
    plan.refresh_from_db()
    differences = []
    for role in Cast.ROLES:
        user = cast.user(role) or AnonymousUser()
        granted = plan_actions_for_user(user, plan)
        listed = {
            action
            for action in PlanAction
            if plans_user_can(user, action).filter(pk=plan.pk).exists()
        }
        for action in PlanAction:
            held = table.mark(role, action) != NO
            where = f"{role} × {action} on {plan.title} ({plan.status})"
            if (action in granted) != held:
                differences.append(f"{where}: granted {action in granted}, table {held}")
            if (action in listed) != held:
                differences.append(f"{where}: in the plans list {action in listed}, table {held}")
            expected, got = _expected(table, role, action), _outcome(user, plan, action)
            if got != expected:
                differences.append(f"{where}: the table says {expected}, the helper {got}")
    return differences


def test_each_table_has_a_column_for_each_member_of_the_cast():
    for table in (PLAN_A_DRAFT, PLAN_A_NOT_A_DRAFT, PLAN_B_DRAFT):
        assert table.roles() == list(Cast.ROLES)


def test_on_plan_a_each_member_may_do_exactly_what_the_table_says(cast):
    assert _differences(cast, cast.plan_a, PLAN_A_DRAFT) == []


def test_on_plan_b_each_member_may_do_exactly_what_the_table_says(cast):
    assert _differences(cast, cast.plan_b, PLAN_B_DRAFT) == []


def _in_validation(cast: Cast, ready: dict) -> None:
    workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)


def _validated(cast: Cast, ready: dict) -> None:
    _in_validation(cast, ready)
    approve_all(cast, ready)


def _adopted(cast: Cast, ready: dict) -> None:
    _validated(cast, ready)
    workflow.plan_adopt(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        adoption_date=timezone.localdate(),
        reference="Decree 1",
    )


@pytest.mark.parametrize(
    ("reach", "status"),
    [
        (_in_validation, PlanStatus.IN_VALIDATION),
        (_validated, PlanStatus.VALIDATED),
        (_adopted, PlanStatus.ADOPTED),
    ],
    ids=["in_validation", "validated", "adopted"],
)
def test_outside_a_draft_each_member_may_do_exactly_what_the_table_says(cast, ready, reach, status):
    """Plan A taken there through the workflow (its status not set by hand), so that the
    grants are those the steps leave."""
    reach(cast, ready)
    cast.plan_a.refresh_from_db()
    assert cast.plan_a.status == status
    assert _differences(cast, cast.plan_a, PLAN_A_NOT_A_DRAFT) == []


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
