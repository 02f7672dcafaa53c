"""Targets' chapters of the plan's PDF: the prioritised targets, the review of existing
frameworks and the consultations held, as the version froze them."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from action_plans.hooks import DocumentChapter, snapshot_records


@dataclass
class HeldConsultation:
    """A consultation as the document summarises it: the organisations present that wish
    to be credited by name are named, the others counted."""

    record: dict
    named: list[str]
    others: int


def _held(record: dict) -> HeldConsultation:
    credits = record.get("credits") or [[name, "by_name"] for name in record["fields"]["present"]]
    named = [name for name, credit in credits if credit == "by_name"]
    return HeldConsultation(record, named, len(credits) - len(named))


def targets_chapter(content: dict) -> dict:
    return {"targets": snapshot_records(content, "targets", "target")}


def frameworks_chapter(content: dict) -> dict:
    return {"frameworks": snapshot_records(content, "targets", "framework")}


def consultations_chapter(content: dict) -> dict:
    return {
        "consultations": [
            _held(record) for record in snapshot_records(content, "targets", "consultation")
        ]
    }


CHAPTERS = [
    DocumentChapter(
        "targets", _("Prioritised targets"), 20, "targets/pdf/targets.html", targets_chapter
    ),
    DocumentChapter(
        "frameworks",
        _("Review of existing frameworks"),
        30,
        "targets/pdf/frameworks.html",
        frameworks_chapter,
    ),
    DocumentChapter(
        "consultations",
        _("Consultations held"),
        40,
        "targets/pdf/consultations.html",
        consultations_chapter,
    ),
]
