"""The open files of a version, made once and kept: a version's snapshot never changes."""

import hashlib
from collections.abc import Callable

from django.core.cache import caches

from action_plans.derived import KEPT_FOR
from action_plans.models import PlanVersion
from open_data import selectors
from open_data.formats import PublicVersion, plan_json, public_version, tables_zip
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


def _kept(version: PlanVersion, name: str, make: Callable[[PublicVersion], bytes]) -> bytes:
    """An open file of ``version`` made from its snapshot alone, kept in the "derived"
    cache per version and the plan's language (the words it names)."""
    moment = version.submitted_at.timestamp()
    language = selectors.plan_language(version)
    key = f"open-data:{name}:{version.pk}:{moment}:{language}"
    cache = caches["derived"]
    data = cache.get(key)
    if data is None:
        data = make(public_version(version, selectors.frozen_content(version), language))
        cache.set(key, data, KEPT_FOR)
    return data


def plan_json_file(version: PlanVersion) -> bytes:
    """``version`` as the open JSON document (``open_data.formats.plan_json``)."""
    return _kept(version, "plan-json", plan_json)


def tables_zip_file(version: PlanVersion) -> bytes:
    """``version``'s tables as CSV files in a zip (``open_data.formats.tables_zip``)."""
    return _kept(version, "tables-zip", tables_zip)
