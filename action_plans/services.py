"""Writes to action plans."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from action_plans.models import ActionPlan
from governance.models import User
from msd_planner.lib.concurrency import lock_for_update
from msd_planner.lib.history import attribute

# What the plan's details page may change, in the order the form shows it.
PLAN_FIELDS = (
    "title",
    "country",
    "level",
    "area_name",
    "period_start_year",
    "period_end_year",
    "base_currency",
)


@transaction.atomic
def plan_create(*, actor: User, plan: ActionPlan) -> ActionPlan:
    """Save a new plan (a draft). Its lead arrangement is set up next, on its governance page."""
    attribute(plan, actor)
    plan.save()
    return plan


@transaction.atomic
def plan_update(
    *, actor: User, plan: ActionPlan, expected_version: int, changes: dict
) -> ActionPlan:
    """Save the plan's changed details, refusing a stale edit.

    The period may not end before a baseline year already recorded in the plan.
    An unchanged form writes no history row.
    """
    unknown = changes.keys() - PLAN_FIELDS
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    fresh = lock_for_update(plan, expected_version)
    changed = [name for name, value in changes.items() if getattr(fresh, name) != value]
    if not changed:
        return fresh
    for name in changed:
        setattr(fresh, name, changes[name])
    late_baselines = sorted(
        fresh.prioritised_targets.filter(baseline_year__gt=fresh.period_end_year).values_list(
            "target__code", flat=True
        )
    )
    if late_baselines:
        raise ValidationError(
            {
                "period_end_year": _(
                    "The baselines of %(codes)s are from after %(year)s. Change them first."
                )
                % {"codes": ", ".join(late_baselines), "year": fresh.period_end_year}
            }
        )
    fresh.version += 1
    attribute(fresh, actor)
    fresh.save(update_fields=[*changed, "version", "updated_at"])
    return fresh
