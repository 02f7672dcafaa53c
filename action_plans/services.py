"""Writes to action plans."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from action_plans.hooks import plan_change_checks
from action_plans.models import ActionPlan, PlanStatus
from msd_planner.lib.history import attribute
from msd_planner.lib.types import User
from msd_planner.lib.versioned_edit import Update, versioned_update

# What the plan's details page may change, in the order the form shows it.
PLAN_FIELDS = (
    "title",
    "country",
    "level",
    "area_name",
    "period_start_year",
    "period_end_year",
    "base_currency",
    "language",
)


class PlanReadOnly(ValidationError):
    """The plan is in validation, validated or adopted: its content does not change."""


def plan_row_lock(plan_id: int) -> ActionPlan:
    """Lock the plan row for what is not its content (the grants its governance implies,
    the workflow's steps): whatever the plan's status."""
    return ActionPlan.objects.select_for_update().get(pk=plan_id)


def plan_lock(plan_id: int) -> ActionPlan:
    """Lock the plan row for a change of its content: the first lock of every edit
    service, so that such writes run one after the other and never deadlock. Refused
    unless the plan is a draft (in validation, validated or adopted its content is
    read-only; a revision opens a new draft)."""
    plan = plan_row_lock(plan_id)
    if plan.status != PlanStatus.DRAFT:
        raise PlanReadOnly(closed_reason(plan))
    return plan


def closed_reason(plan: ActionPlan) -> str:
    """Why the content of a plan that is not a draft cannot change, and what to do."""
    what_next_by_status: dict[str, str] = {
        PlanStatus.IN_VALIDATION: _(
            "Wait for the signatories' decision, or a coordinator may withdraw it from validation."
        ),
        PlanStatus.VALIDATED: _("It awaits adoption; a revision can be opened once adopted."),
        PlanStatus.ADOPTED: _("A coordinator may open a revision to change it."),
    }
    what_next = what_next_by_status.get(plan.status, "")
    return " ".join(
        [
            _("The plan is %(status)s: its content cannot change now.")
            % {"status": plan.get_status_display().lower()},
            str(what_next),
        ]
    ).strip()


@transaction.atomic
def plan_create(*, actor: User, plan: ActionPlan) -> ActionPlan:
    """Save a new plan (a draft). Its lead arrangement is set up next, on its governance page."""
    attribute(plan, actor)
    plan.save()
    return plan


def _records_fit(plan: ActionPlan, changed: list[str]) -> None:
    for check in plan_change_checks():
        check(plan, changed)


@transaction.atomic
def plan_update(
    *, actor: User, plan: ActionPlan, expected_version: int, data: dict[str, Any]
) -> Update[ActionPlan]:
    """Save the plan's changed details, refusing a stale edit.

    Each app's registered checks refuse a change its records no longer fit (e.g. a
    period that ends before a recorded baseline year).
    """
    plan_lock(plan.pk)
    return versioned_update(
        instance=plan,
        expected_version=expected_version,
        data=data,
        actor=actor,
        editable=PLAN_FIELDS,
        check=_records_fit,
    )
