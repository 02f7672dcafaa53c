"""Reads of action plans, always scoped to what the user may see."""

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from action_plans.hooks import PlanListColumn, plan_list_columns
from action_plans.models import ActionPlan
from action_plans.permissions import PlanAction, plans_user_can
from msd_planner.lib.types import AnyUser


def plans_visible_to(user: AnyUser) -> QuerySet[ActionPlan]:
    """Plans the user may see, newest period first."""
    return plans_user_can(user, PlanAction.VIEW).order_by("-period_end_year", "title")


@dataclass(frozen=True)
class PlanListRow:
    plan: ActionPlan
    cells: list[tuple[PlanListColumn, Any]]  # per column the apps register, in their order


def plan_list(user: AnyUser) -> tuple[tuple[PlanListColumn, ...], list[PlanListRow]]:
    """The plans the user may see, each with the columns the apps add (lead bodies,
    prioritised targets, the user's role); one query for the plans and one per column."""
    plans = list(plans_visible_to(user))
    columns = plan_list_columns()
    values = [column.values(plans, user) for column in columns] if plans else []
    rows = [
        PlanListRow(
            plan=plan,
            cells=[
                (column, by_plan.get(plan.pk, column.empty))
                for column, by_plan in zip(columns, values, strict=True)
            ],
        )
        for plan in plans
    ]
    return columns, rows
