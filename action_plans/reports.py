"""A plan's annual report: for a chosen year, the progress of its indicators, the money
committed and disbursed, the local actors' share against the plan's target and the
changes made to the plan, in PDF and in Word.

The report tells of the plan as it stands when it is made (the version documents tell of
a frozen version): each app gives its chapter (``hooks.register_report_chapter``), read
from the live rows as at the end of the year where they carry dates; the kernel adds the
versions adopted in the year and the changes they carry. It goes through the documents'
pipeline (``action_plans.documents``): a ``PlanDocument`` with its ``year``, rendered by a
worker into the same PDF (the same stylesheet and safe fetcher) and, from the same HTML,
the Word document (``documents.report_request``). Asking again makes it anew; until the
new one is ready the last one stays downloadable.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from action_plans.hooks import report_chapters
from action_plans.models import (
    ActionPlan,
    DocumentFormat,
    PlanChange,
    PlanDocument,
    PlanVersion,
    VersionStatus,
)

REPORT_FORMATS = (DocumentFormat.PDF, DocumentFormat.DOCX)
ADOPTED_STATUSES = (VersionStatus.ADOPTED, VersionStatus.SUPERSEDED)


def report_years(plan: ActionPlan, today: date | None = None) -> list[int]:
    """The years a report can tell of, latest first: from the year the plan was first
    adopted to the current year, within the plan's period. None before its adoption."""
    first = (
        PlanVersion.objects.filter(plan=plan, status__in=ADOPTED_STATUSES)
        .order_by("adoption_date")
        .values_list("adoption_date", flat=True)
        .first()
    )
    if first is None:
        return []
    this_year = (today or timezone.localdate()).year
    start = max(first.year, plan.period_start_year)
    end = min(this_year, plan.period_end_year)
    return list(range(end, start - 1, -1))


def report_documents(plan: ActionPlan) -> dict[tuple[int, str], PlanDocument]:
    """The plan's annual reports asked for so far, by (year, format)."""
    return {
        (document.year, document.format): document
        for document in PlanDocument.objects.filter(plan=plan, year__isnull=False)
        if document.year is not None
    }


def report_document(plan: ActionPlan, year: int, format: str) -> PlanDocument | None:
    return PlanDocument.objects.filter(plan=plan, year=year, format=format).first()


# --- the report's content --------------------------------------------------------------------


@dataclass(frozen=True)
class Chapter:
    anchor: str
    title: str
    html: str


def versions_adopted_in(plan: ActionPlan, year: int) -> QuerySet[PlanVersion]:
    return PlanVersion.objects.filter(
        plan=plan, status__in=ADOPTED_STATUSES, adoption_date__year=year
    ).order_by("adoption_date", "major", "minor")


def changes_adopted_in(plan: ActionPlan, year: int) -> QuerySet[PlanChange]:
    """The changes (with their reasons) carried by the versions adopted in ``year``."""
    return (
        PlanChange.objects.filter(
            plan=plan, version__status__in=ADOPTED_STATUSES, version__adoption_date__year=year
        )
        .select_related("version", "actor")
        .order_by("version__major", "version__minor", "created_at", "pk")
    )


def report_context(plan: ActionPlan, year: int) -> dict[str, Any]:
    shared = {"plan": plan, "year": year, "year_end": date(year, 12, 31)}
    chapters = [
        Chapter(
            chapter.anchor,
            str(chapter.title),
            render_to_string(chapter.template, {**shared, **chapter.context(plan, year)}),
        )
        for chapter in report_chapters()
    ]
    return {
        **shared,
        "chapters": chapters,
        "adopted": list(versions_adopted_in(plan, year)),
        "changes": list(changes_adopted_in(plan, year)),
        "generated_at": timezone.now(),
    }


def report_title(plan: ActionPlan, year: int) -> str:
    """In the active language."""
    return _("%(title)s – annual report %(year)s") % {"title": plan.title, "year": year}


def report_html(document: PlanDocument) -> str:
    """The report's HTML, in the plan's language."""
    if document.year is None:
        raise ValueError("not an annual report")
    with translation.override(document.plan.language):
        return render_to_string(
            "action_plans/pdf/annual_report.html",
            {
                **report_context(document.plan, document.year),
                "title": report_title(document.plan, document.year),
            },
        )
