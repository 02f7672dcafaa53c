"""Reads of the public portal: adopted versions only, and of them only what was frozen
(their snapshot) or fixed at adoption (number, date, act). A draft, a version in
validation or withdrawn, a plan never adopted: none of them is ever returned."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from action_plans.documents import version_document
from action_plans.models import (
    DocumentEdition,
    DocumentFormat,
    DocumentStatus,
    PlanDocument,
    PlanSnapshot,
    PlanVersion,
    VersionStatus,
)

ADOPTED = (VersionStatus.ADOPTED, VersionStatus.SUPERSEDED)


def adopted_versions() -> QuerySet[PlanVersion]:
    """Every version that was adopted (the official one, or one since superseded)."""
    return PlanVersion.objects.filter(status__in=ADOPTED)


def _newer_adopted() -> Exists:
    return Exists(
        adopted_versions().filter(
            Q(major__gt=OuterRef("major"))
            | Q(major=OuterRef("major"), minor__gt=OuterRef("minor")),
            plan_id=OuterRef("plan_id"),
        )
    )


@dataclass(frozen=True)
class OpenPlan:
    """A plan as the portal lists it: its current adopted version and the plan as that
    version froze it (title, country, level, place, period)."""

    version: PlanVersion
    frozen: dict[str, Any]


def current_adopted_versions() -> QuerySet[PlanVersion]:
    """Each adopted plan's current adopted version (the newest adopted), with its frozen
    outline, by plan."""
    return (
        adopted_versions()
        .exclude(_newer_adopted())
        .select_related("snapshot_outline")
        .order_by("plan_id")
    )


def open_plans() -> list[OpenPlan]:
    """Each adopted plan with its current adopted version, and the plan as that version
    froze it: one query, however many plans and versions."""
    return [
        OpenPlan(version, version.snapshot_outline.plan) for version in current_adopted_versions()
    ]


def current_adopted_version(plan_pk: int) -> PlanVersion | None:
    """The plan's newest adopted version (None when it was never adopted)."""
    return adopted_versions().filter(plan_id=plan_pk).order_by("-major", "-minor").first()


def adopted_version(plan_pk: int, major: int, minor: int) -> PlanVersion | None:
    """The plan's version ``major.minor`` if it was adopted; None otherwise, whether the
    version is missing, in validation, withdrawn or the plan never adopted."""
    return adopted_versions().filter(plan_id=plan_pk, major=major, minor=minor).first()


def plan_adopted_versions(plan_pk: int) -> list[PlanVersion]:
    """The plan's adopted versions, the newest first."""
    return list(adopted_versions().filter(plan_id=plan_pk).order_by("-major", "-minor"))


def version_content(version: PlanVersion) -> dict[str, Any]:
    """The version's whole frozen snapshot."""
    return PlanSnapshot.objects.values_list("content", flat=True).get(version=version)


def official_pdf(version: PlanVersion) -> PlanDocument | None:
    """The official PDF of ``version`` when its file is ready, None otherwise."""
    document = version_document(version, DocumentEdition.OFFICIAL, DocumentFormat.PDF)
    if document is None or document.status != DocumentStatus.READY or not document.file:
        return None
    return document
