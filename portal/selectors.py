"""Reads of the public portal: adopted versions only, and of them only what was frozen
(their snapshot) or fixed at adoption (number, date, act). A draft, a version in
validation or withdrawn, a plan never adopted: none of them is ever returned."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.fields.json import KT

from action_plans.documents import version_document
from action_plans.models import (
    DocumentEdition,
    DocumentFormat,
    DocumentStatus,
    PlanDocument,
    PlanVersion,
    SnapshotRecord,
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
    """The plan's version ``major.minor`` if it was adopted, with its frozen outline (the
    plan, each section's totals); None otherwise, whether the version is missing, in
    validation, withdrawn or the plan never adopted."""
    return (
        adopted_versions()
        .filter(plan_id=plan_pk, major=major, minor=minor)
        .select_related("snapshot_outline")
        .first()
    )


def plan_adopted_versions(plan_pk: int) -> list[PlanVersion]:
    """The plan's adopted versions, the newest first."""
    return list(adopted_versions().filter(plan_id=plan_pk).order_by("-major", "-minor"))


def version_records(version: PlanVersion, kinds: dict[str, tuple[str, ...]]) -> dict[str, list]:
    """The records of ``version`` of the ``kinds`` of each section (section → kinds),
    as stored, by section and in order: one query that reads those rows only."""
    wanted = Q()
    for section, section_kinds in kinds.items():
        wanted |= Q(section=section, kind__in=section_kinds)
    rows = (
        SnapshotRecord.objects.filter(wanted, version=version)
        .order_by("section", "position")
        .values_list("section", "record")
    )
    found: dict[str, list] = {section: [] for section in kinds}
    for section, record in rows:
        found[section].append(record)
    return found


def intervention_titles(version: PlanVersion) -> list[dict[str, Any]]:
    """Each intervention of ``version`` as a record that holds only its key, its title
    and the targets it addresses (the database reads them out of the stored JSON; the
    rest of it is neither sent nor decoded), in order."""
    rows = (
        SnapshotRecord.objects.filter(version=version, section="interventions", kind="intervention")
        .order_by("position")
        .values_list("key", KT("record__label"), "record__fields__targets")
    )
    return [
        {"key": key, "kind": "intervention", "label": label, "fields": {"targets": targets or []}}
        for key, label, targets in rows
    ]


def interventions_with_indicators(version: PlanVersion, keys: list[str]) -> list[dict[str, Any]]:
    """The interventions of ``keys`` of ``version`` and their indicators, as stored, in
    order: one query, whatever the plan's size."""
    return list(
        SnapshotRecord.objects.filter(version=version, section="interventions")
        .filter(Q(kind="intervention", key__in=keys) | Q(kind="indicator", parent__in=keys))
        .order_by("position")
        .values_list("record", flat=True)
    )


def official_pdf(version: PlanVersion) -> PlanDocument | None:
    """The official PDF of ``version`` when its file is ready, None otherwise."""
    document = version_document(version, DocumentEdition.OFFICIAL, DocumentFormat.PDF)
    if document is None or document.status != DocumentStatus.READY or not document.file:
        return None
    return document
