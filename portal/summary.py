"""An adopted version at a glance, drawn from its snapshot alone with the chapters each
app owns for the plan's document (``<app>/document.py``), and kept in Django's cache per
version, form (page or embed) and language: a snapshot never changes."""

from dataclasses import dataclass
from typing import Any

from django.core.cache import caches
from django.template.loader import render_to_string
from django.utils import translation

from action_plans.derived import KEPT_FOR
from action_plans.hooks import snapshot_records
from action_plans.models import PlanLevel, PlanVersion
from action_plans.snapshot import named
from funding.document import funding_chapter
from governance.credit import credited
from governance.document import governance_chapter
from interventions.document import interventions_chapter
from portal import selectors
from targets.document import targets_chapter

# The classes of the summary's markup: on the portal's own page with Bootstrap's beside
# them; embedded in another site, only the prefixed ones, which that site may style.
PAGE_CLASSES = {
    "summary": "msdp-summary",
    "section": "msdp-section mb-4",
    "heading": "msdp-heading h4 mt-4",
    "subheading": "msdp-subheading h5 mt-3",
    "item": "msdp-item h6 mt-3 mb-1",
    "scroll": "msdp-scroll table-scroll",
    "table": "msdp-table table table-sm align-top table-stack",
    "num": "msdp-num text-end",
    "facts": "msdp-facts row",
    "term": "msdp-term col-sm-4",
    "value": "msdp-value col-sm-8",
    "muted": "msdp-muted text-body-secondary",
    "list": "msdp-list",
    "small": "msdp-small small",
}
EMBED_CLASSES = {name: value.split()[0] for name, value in PAGE_CLASSES.items()}


@dataclass(frozen=True)
class Summary:
    frozen: dict[str, Any]  # the plan as the version froze it, named: title, place, period…
    html: str  # the summary's markup


def summary_context(content: dict[str, Any]) -> dict[str, Any]:
    """What the summary shows of a version's snapshot, in the active language."""
    content = named(credited(content))
    frozen = content["plan"]
    funding = funding_chapter(content)
    interventions = content["sections"].get("interventions", {})
    return {
        "frozen": frozen,
        "level": dict(PlanLevel.choices).get(frozen.get("level", ""), frozen.get("level", "")),
        **governance_chapter(content),
        **targets_chapter(content),
        **interventions_chapter(content),
        "interventions_count": interventions.get("totals", {}).get("interventions"),
        "funding_totals": funding["funding_totals"],
        "localisation_standing": funding["localisation_standing"],
        "mix": snapshot_records(content, "funding", "mix"),
    }


def _key(version: PlanVersion, form: str) -> str:
    # with the moment of submission, as the versions' own cache: ids come back after a
    # database is restored from a backup, a moment to the microsecond does not
    moment = version.submitted_at.timestamp()
    return f"portal:version:{version.pk}:{moment}:{form}:{translation.get_language()}"


def version_summary(version: PlanVersion, *, embed: bool = False) -> Summary:
    """The version at a glance, for the portal's page or to embed in another site: read
    from its snapshot once per form and language, then from the cache."""
    form = "embed" if embed else "page"
    cache = caches["default"]
    key = _key(version, form)
    found = cache.get(key)
    if isinstance(found, Summary):
        return found
    context = summary_context(selectors.version_content(version))
    context |= {
        "version": version,
        "css": EMBED_CLASSES if embed else PAGE_CLASSES,
        "embed": embed,
    }
    summary = Summary(context["frozen"], render_to_string("portal/includes/summary.html", context))
    cache.set(key, summary, KEPT_FOR)
    return summary
