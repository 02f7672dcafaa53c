"""Reads of action plans, always scoped to what the user may see."""

from django.db.models import QuerySet

from action_plans.models import ActionPlan
from action_plans.permissions import PlanAction, plans_user_can


def plans_visible_to(user) -> QuerySet[ActionPlan]:
    """Plans the user may see, newest period first."""
    return plans_user_can(user, PlanAction.VIEW).order_by("-period_end_year", "title")
