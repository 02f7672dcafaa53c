"""Reads of action plans, always scoped to what the user may see."""

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from action_plans.hooks import PlanListColumn, plan_list_columns
from action_plans.models import (
    ActionPlan,
    PlanDocument,
    PlanSnapshot,
    PlanTransition,
    PlanVersion,
    VersionStatus,
)
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


# --- versions, their snapshots and documents ----------------------------------------------


def plan_versions(plan: ActionPlan) -> QuerySet[PlanVersion]:
    """The plan's versions, the newest first, with who submitted and who adopted each."""
    return plan.versions.select_related("submitted_by", "adopted_by")


def latest_version(plan: ActionPlan) -> PlanVersion | None:
    """The plan's newest version, whatever its status (None before the first submission)."""
    return plan.versions.first()


def other_versions(version: PlanVersion) -> list[PlanVersion]:
    """The plan's versions but ``version``, the newest first."""
    return list(PlanVersion.objects.filter(plan_id=version.plan_id).exclude(pk=version.pk))


def all_versions() -> QuerySet[PlanVersion]:
    """Every version; the access helper narrows them to one plan's."""
    return PlanVersion.objects.all()


def versions_with_snapshot() -> QuerySet[PlanVersion]:
    """Versions with their snapshot and who submitted and adopted them, as a version's
    page reads them; the access helper narrows them to one plan's."""
    return PlanVersion.objects.select_related("snapshot", "submitted_by", "adopted_by")


def snapshot_contents(versions: list[PlanVersion]) -> dict[int, dict[str, Any]]:
    """The frozen content of each of ``versions``, by version id (one query)."""
    return dict(
        PlanSnapshot.objects.filter(version__in=versions).values_list("version_id", "content")
    )


def snapshot_adopted_before(version: PlanVersion) -> list[dict[str, Any]]:
    """The snapshot of the version adopted before ``version`` (where the records its
    revision removed are found), if any."""
    return list(
        PlanSnapshot.objects.filter(
            version__plan_id=version.plan_id,
            version__major=version.major - 1,
            version__status__in=[VersionStatus.ADOPTED, VersionStatus.SUPERSEDED],
        ).values_list("content", flat=True)[:1]
    )


def plan_transitions(plan: ActionPlan, *, limit: int) -> QuerySet[PlanTransition]:
    """The plan's latest ``limit`` workflow steps, the latest first, with who took each
    and the version it concerned."""
    return plan.transitions.select_related("actor", "version")[:limit]


def plan_preview_document(plan: ActionPlan) -> PlanDocument | None:
    """The draft's preview PDF (a document of no version), if one was asked for."""
    return PlanDocument.objects.filter(plan=plan, version=None).first()
