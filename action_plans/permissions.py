"""Who may do what to an action plan: the one place plan access is decided.

Object permissions live in django-guardian, granted only by ``governance.services`` to
the role groups of the organisations that take part in a plan. Global (model-level)
permissions and the superuser flag never widen object access: a platform administrator
sees every plan and may change its governance, but edits, signs or runs a plan only
through a membership.
"""

from enum import StrEnum

from django.db.models import QuerySet
from guardian.shortcuts import get_objects_for_user

from action_plans.models import (
    ActionPlan,
    ActionPlanGroupObjectPermission,
    ActionPlanUserObjectPermission,
)
from msd_planner.lib.errors import ActionRefused, ObjectHidden


class PlanAction(StrEnum):
    VIEW = "view"
    CONTRIBUTE = "contribute"  # propose items, edit the organisation's own items
    CHANGE = "change"  # edit everything in the plan, run its workflow
    GOVERN = "govern"  # lead arrangement and participants
    SIGN = "sign"  # sign off for an organisation


PERMISSION_CODENAMES = {action: f"{action.value}_actionplan" for action in PlanAction}
PLATFORM_ADMIN_ACTIONS = frozenset({PlanAction.VIEW, PlanAction.GOVERN})


def plans_user_can(user, action: PlanAction) -> QuerySet[ActionPlan]:
    """Plans on which ``user`` may perform ``action``."""
    if not user.is_authenticated or not user.is_active:
        return ActionPlan.objects.none()
    if user.is_platform_admin and action in PLATFORM_ADMIN_ACTIONS:
        return ActionPlan.objects.all()
    return get_objects_for_user(
        user,
        f"action_plans.{PERMISSION_CODENAMES[action]}",
        klass=ActionPlan,
        use_groups=True,
        with_superuser=False,
        accept_global_perms=False,
    )


_ACTIONS_BY_CODENAME = {codename: action for action, codename in PERMISSION_CODENAMES.items()}


def plan_actions_for_user(user, plan: ActionPlan) -> frozenset[PlanAction]:
    """Every action ``user`` may perform on ``plan`` (two queries), for links and buttons.

    Reads the same grants as ``plans_user_can``, directly from the plan's permission tables.
    """
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    codenames = set(
        ActionPlanGroupObjectPermission.objects.filter(
            content_object=plan, group__user=user
        ).values_list("permission__codename", flat=True)
    )
    codenames.update(
        ActionPlanUserObjectPermission.objects.filter(content_object=plan, user=user).values_list(
            "permission__codename", flat=True
        )
    )
    actions = {_ACTIONS_BY_CODENAME[name] for name in codenames if name in _ACTIONS_BY_CODENAME}
    if user.is_platform_admin:
        actions |= PLATFORM_ADMIN_ACTIONS
    return frozenset(actions)


def get_plan_for_user_or_404(user, pk: int, action: PlanAction = PlanAction.VIEW) -> ActionPlan:
    """Fetch a plan and authorise ``action`` in one call.

    404 when the user may not see the plan (its existence does not leak); 403 when they
    see it but may not perform ``action``.
    """
    plan = ActionPlan.objects.filter(pk=pk).first()
    actions = plan_actions_for_user(user, plan) if plan else frozenset()
    if PlanAction.VIEW not in actions:
        raise ObjectHidden(PlanAction.VIEW, f"plan {pk}")
    if action not in actions:
        raise ActionRefused(action, f"plan {pk}")
    plan.user_actions = actions
    return plan
