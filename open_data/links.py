"""What the open formats add to a version's page (``action_plans.hooks.register_record_links``)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from action_plans.hooks import RecordLink
from action_plans.models import PlanVersion
from open_data.selectors import PUBLISHED, iati_file_possible


def version_links(version: PlanVersion, access) -> list[RecordLink]:
    """On an adopted (or superseded) version's page: its JSON and CSV tables, its IATI
    file when the file can be made, and the public addresses anyone may download them
    from (three queries at most)."""
    if version.status not in PUBLISHED:
        return []
    public = [version.plan_id, version.major, version.minor]
    links = [
        RecordLink(
            _("The plan as open data (JSON)"),
            reverse("version_plan_json", args=[version.plan_id, version.pk]),
        ),
        RecordLink(
            _("The plan's tables (CSV files, zipped)"),
            reverse("version_tables", args=[version.plan_id, version.pk]),
        ),
        RecordLink(_("Public address of the JSON"), reverse("open_version_plan_json", args=public)),
        RecordLink(
            _("Public address of the CSV tables"), reverse("open_version_tables", args=public)
        ),
    ]
    if not iati_file_possible(version):
        return links
    return [
        *links,
        RecordLink(
            _("IATI activity file (XML)"),
            reverse("version_iati", args=[version.plan_id, version.pk]),
        ),
        RecordLink(_("Public address of the IATI file"), reverse("open_version_iati", args=public)),
    ]
