"""The open files of a version, made once and kept: a version's snapshot never changes."""

import hashlib

from django.core.cache import caches

from action_plans.derived import KEPT_FOR
from action_plans.models import PlanVersion
from open_data import selectors
from open_data.iati import iati_activities


def iati_file(version: PlanVersion) -> bytes:
    """``version``'s IATI file, kept in the "derived" cache per version. The key also
    holds what the file reads besides the frozen version: the plan's language and a
    digest of the organisations' IATI identifiers (one small query), so that a new
    identifier makes a new file."""
    identifiers = hashlib.sha256(repr(selectors.all_iati_identifiers()).encode()).hexdigest()
    moment = version.submitted_at.timestamp()  # ids come back after a restore; moments do not
    language = selectors.plan_language(version)
    key = f"open-data:iati:{version.pk}:{moment}:{language}:{identifiers[:16]}"
    cache = caches["derived"]
    xml = cache.get(key)
    if xml is None:
        xml = iati_activities(version)
        cache.set(key, xml, KEPT_FOR)
    return xml
