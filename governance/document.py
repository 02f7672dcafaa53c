"""Governance's chapter of the plan's PDF: the lead arrangement, the lead bodies and the
participating organisations, as the version froze them (credited as each chose)."""

from django.utils.translation import gettext_lazy as _

from action_plans.hooks import DocumentChapter, snapshot_records


def governance_chapter(content: dict) -> dict:
    return {
        "arrangement": next(iter(snapshot_records(content, "governance", "arrangement")), None),
        "leads": snapshot_records(content, "governance", "lead"),
        "advisers": snapshot_records(content, "governance", "adviser"),
        "participants": snapshot_records(content, "governance", "participant"),
    }


CHAPTERS = [
    DocumentChapter(
        "governance", _("Governance"), 10, "governance/pdf/governance.html", governance_chapter
    ),
]
