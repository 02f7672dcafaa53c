"""Writes to action plans."""

from django.db import transaction

from action_plans.models import ActionPlan
from governance.models import User


def _attribute(plan: ActionPlan, actor: User) -> None:
    plan._history_user = actor


@transaction.atomic
def plan_create(*, actor: User, plan: ActionPlan) -> ActionPlan:
    """Save a new plan (a draft). Its lead arrangement is set up next, on its governance page."""
    _attribute(plan, actor)
    plan.save()
    return plan


@transaction.atomic
def plan_update(*, actor: User, plan: ActionPlan, changed_fields: list[str]) -> ActionPlan:
    """Save the plan's changed fields only; an unchanged form writes no history row."""
    if changed_fields:
        _attribute(plan, actor)
        plan.save(update_fields=[*changed_fields, "updated_at"])
    return plan
