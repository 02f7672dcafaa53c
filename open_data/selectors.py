"""Reads of the open formats: adopted versions and what their files name."""

from typing import Any

from django.db.models import QuerySet

from action_plans.models import PlanSnapshot, PlanVersion, SnapshotRecord, VersionStatus
from governance.models import Organisation

PUBLISHED = (VersionStatus.ADOPTED, VersionStatus.SUPERSEDED)


def published_versions() -> QuerySet[PlanVersion]:
    """The versions a plan has adopted (the official one and those it superseded): the
    only ones its open files are made from. With their plan's language."""
    return PlanVersion.objects.filter(status__in=PUBLISHED).select_related("plan")


def published_version(plan_pk: int, major: int, minor: int) -> PlanVersion | None:
    """Version ``major.minor`` of plan ``plan_pk`` if the plan adopted it; None for a
    version in validation, withdrawn or never adopted, and for a missing plan alike."""
    return published_versions().filter(plan_id=plan_pk, major=major, minor=minor).first()


def frozen_content(version: PlanVersion) -> dict[str, Any]:
    """The version's whole snapshot (one query)."""
    return PlanSnapshot.objects.values_list("content", flat=True).get(version=version)


def plan_language(version: PlanVersion) -> str:
    """The language the plan's words are typed in (read with the version by
    ``published_versions``; one query otherwise)."""
    return version.plan.language


def iati_identifiers(organisation_ids: set[int]) -> dict[int, str]:
    """The IATI identifiers of those of ``organisation_ids`` that have one (one query)."""
    return dict(
        Organisation.objects.filter(pk__in=organisation_ids)
        .exclude(iati_identifier="")
        .values_list("pk", "iati_identifier")
    )


def all_iati_identifiers() -> list[tuple[int, str]]:
    """Every organisation's IATI identifier, by id (one query; few organisations have
    one): what a version's IATI file is kept under besides the version."""
    return list(
        Organisation.objects.exclude(iati_identifier="")
        .order_by("pk")
        .values_list("pk", "iati_identifier")
    )


def iati_file_possible(version: PlanVersion) -> bool:
    """Whether ``version``'s IATI file can be made: a lead body it froze has an IATI
    identifier (the publisher), and an intervention is not dropped (an activity). Read
    from the snapshot's parts, not the whole snapshot: three small queries at most."""
    leads = [
        int(key.split(":", 1)[1])
        for key in SnapshotRecord.objects.filter(version=version, kind="lead").values_list(
            "key", flat=True
        )
    ]
    if not Organisation.objects.filter(pk__in=leads).exclude(iati_identifier="").exists():
        return False
    return (
        SnapshotRecord.objects.filter(version=version, kind="intervention")
        .exclude(record__fields__status="dropped")
        .exists()
    )
