"""Who may do what to an action plan. The only place plan access is decided."""

from django.db.models import QuerySet
from django.http import Http404

from action_plans.models import ActionPlan


def plans_user_can(user, action: str) -> QuerySet[ActionPlan]:
    """Plans on which ``user`` may perform ``action``.

    Until organisations and memberships exist only platform administrators see plans.
    """
    if not user.is_authenticated or not user.is_active:
        return ActionPlan.objects.none()
    if user.is_superuser:
        return ActionPlan.objects.all()
    return ActionPlan.objects.none()


def get_plan_for_user_or_404(user, pk: int, action: str = "view") -> ActionPlan:
    try:
        return plans_user_can(user, action).get(pk=pk)
    except ActionPlan.DoesNotExist:
        raise Http404("No such plan.") from None
