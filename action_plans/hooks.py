"""Hooks through which the apps above the kernel take part in plan-wide features.

Each app registers in its ``AppConfig.ready()``; the kernel reads the hooks and imports
no app above it (Django's admin autodiscovery and Wagtail's hooks are the model).
"""

from collections.abc import Callable

from action_plans.models import ActionPlan

PlanChangeCheck = Callable[[ActionPlan, list[str]], None]

_plan_change_checks: list[PlanChangeCheck] = []


def register_plan_change_check(check: PlanChangeCheck) -> PlanChangeCheck:
    """``check(plan, changed_fields)`` runs when a plan's details change, with the new
    values set and the plan row locked; it raises ``ValidationError`` (keyed by the
    plan form's field) to refuse a change that its records no longer fit."""
    if check not in _plan_change_checks:
        _plan_change_checks.append(check)
    return check


def plan_change_checks() -> tuple[PlanChangeCheck, ...]:
    return tuple(_plan_change_checks)
