"""Reads of action plans, always scoped to what the user may see."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Value, When

from action_plans.hooks import PlanListColumn, plan_list_columns
from action_plans.models import (
    ActionPlan,
    PlanDocument,
    PlanSnapshot,
    PlanTransition,
    PlanVersion,
    SnapshotOutline,
    SnapshotRecord,
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


def versions_shown() -> QuerySet[PlanVersion]:
    """Versions with who submitted and adopted them, as a version's page shows them (its
    snapshot read a part at a time, ``action_plans.snapshot.version_outline``); the
    access helper narrows them to one plan's."""
    return PlanVersion.objects.select_related("submitted_by", "adopted_by")


def snapshot_contents(versions: list[PlanVersion]) -> dict[int, dict[str, Any]]:
    """The whole frozen content of each of ``versions``, by version id (one query): for
    the document and the revision's change log; a page reads the parts it shows."""
    return dict(
        PlanSnapshot.objects.filter(version__in=versions).values_list("version_id", "content")
    )


# --- a snapshot's parts: its outline and its records ------------------------------------


def snapshot_outline(version: PlanVersion) -> SnapshotOutline:
    """The frozen plan and each section's totals and number of records of ``version``."""
    return SnapshotOutline.objects.get(version=version)


def snapshot_records(version: PlanVersion, section: str, positions: range) -> list[dict[str, Any]]:
    """The records of ``section`` of ``version`` at ``positions`` (a page of them), as
    stored, in order: one query that reads those rows only."""
    return list(
        SnapshotRecord.objects.filter(
            version=version,
            section=section,
            position__gte=positions.start,
            position__lt=positions.stop,
        )
        .order_by("position")
        .values_list("record", flat=True)
    )


@dataclass(frozen=True)
class StoredRecord:
    side: str  # "old" or "new": the version it is stored in
    section: str
    position: int
    record: dict[str, Any]


def snapshot_records_differing(older: PlanVersion, newer: PlanVersion) -> list[StoredRecord]:
    """The records stored differently in the two versions, each as each version stores
    it, in one query: a record of one version without the same key and digest in the
    same section of the other (added or removed, or changed: then on both sides). The
    database matches keys and digests by their index; only these records are decoded."""

    def unmatched(version: PlanVersion, other: PlanVersion, side: str) -> QuerySet[Any]:
        alike = SnapshotRecord.objects.filter(
            version=other, section=OuterRef("section"), key=OuterRef("key")
        ).filter(digest=OuterRef("digest"))
        return (
            SnapshotRecord.objects.filter(version=version)
            .exclude(Exists(alike))
            .annotate(side=Value(side))
            .values_list("side", "section", "position", "record")
        )

    rows = unmatched(newer, older, "new").union(unmatched(older, newer, "old"), all=True)
    return [StoredRecord(*row) for row in rows]


def snapshot_digests(version: PlanVersion) -> dict[tuple[str, str], tuple[int, str]]:
    """Each record of ``version``: (section, key) → (its row's id, its digest), without
    the records themselves."""
    rows = SnapshotRecord.objects.filter(version=version).values_list(
        "section", "key", "pk", "digest"
    )
    return {(section, key): (pk, digest) for section, key, pk, digest in rows}


def snapshot_records_by_id(ids: Iterable[int]) -> list[StoredRecord]:
    """The stored records of ``ids`` (as ``snapshot_digests`` gave them), in their
    sections' order."""
    rows = (
        SnapshotRecord.objects.filter(pk__in=list(ids))
        .order_by("position")
        .values_list("section", "position", "record")
    )
    return [StoredRecord("old", section, position, record) for section, position, record in rows]


def snapshot_records_named_by(
    version: PlanVersion, keys: Iterable[str]
) -> list[tuple[str, dict[str, Any]]]:
    """The records of ``keys`` as (section, record), stored in ``version`` or, for those
    it does not hold (a revision removed them), in the version adopted before it; the
    version's own first. One query, whatever the plan's size."""
    adopted_before = Q(
        version__plan_id=version.plan_id,
        version__major=version.major - 1,
        version__status__in=[VersionStatus.ADOPTED, VersionStatus.SUPERSEDED],
    )
    rows = (
        SnapshotRecord.objects.filter(Q(version=version) | adopted_before, key__in=list(keys))
        .annotate(own=Case(When(version=version, then=Value(0)), default=Value(1)))
        .order_by("own", "section", "position")
        .values_list("section", "record")
    )
    return list(rows)


def plan_transitions(plan: ActionPlan, *, limit: int) -> QuerySet[PlanTransition]:
    """The plan's latest ``limit`` workflow steps, the latest first, with who took each
    and the version it concerned."""
    return plan.transitions.select_related("actor", "version")[:limit]


def plan_preview_document(plan: ActionPlan) -> PlanDocument | None:
    """The draft's preview PDF (a document of no version), if one was asked for."""
    return PlanDocument.objects.filter(plan=plan, version=None, year=None).first()
