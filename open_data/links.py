"""What the open formats add to a version's page (``action_plans.hooks.register_record_links``)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from action_plans.hooks import RecordLink
from action_plans.models import PlanVersion
from open_data.selectors import PUBLISHED, iati_file_possible


def version_links(version: PlanVersion, access) -> list[RecordLink]:
    """On an adopted (or superseded) version's page: its IATI file, and the public
    address anyone may download it from, when the file can be made (three queries at most)."""
    if version.status not in PUBLISHED or not iati_file_possible(version):
        return []
    return [
        RecordLink(
            _("IATI activity file (XML)"),
            reverse("version_iati", args=[version.plan_id, version.pk]),
        ),
        RecordLink(
            _("Public address of the IATI file"),
            reverse("open_version_iati", args=[version.plan_id, version.major, version.minor]),
        ),
    ]
