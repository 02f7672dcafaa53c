"""An adopted version at a glance, drawn from the parts of its snapshot it shows (its
outline and the records of the sections it lists, the interventions a page at a time)
with the chapters each app owns for the plan's document (``<app>/document.py``), and kept
in Django's cache per version, form (page or embed), page and language: a snapshot never
changes."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.cache import caches
from django.core.paginator import Page, Paginator
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from action_plans.derived import KEPT_FOR
from action_plans.hooks import snapshot_records
from action_plans.models import PlanLevel, PlanVersion, SnapshotOutline
from action_plans.snapshot import named
from funding.document import funding_standing
from governance.credit import credited
from governance.document import governance_chapter
from interventions.document import Entry, Intervention, interventions_by_target
from portal import selectors
from targets.document import targets_chapter

# Interventions described in full on a page of the summary; the others are named with a
# link to the page that describes them. A plan of this many or fewer reads on one page.
INTERVENTIONS_PER_PAGE = 20

SUMMARY_TEMPLATE = "portal/includes/summary.html"

# What the summary shows of each section besides the interventions, read whole.
SHOWN_WHOLE = {
    "governance": ("arrangement", "lead", "adviser", "participant"),
    "targets": ("target",),
    "funding": ("mix",),
}

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
    "pager": "msdp-pager pagination flex-wrap",
    "page": "msdp-page page-item",
    "page_link": "msdp-page-link page-link",
}
EMBED_CLASSES = {name: value.split()[0] for name, value in PAGE_CLASSES.items()}


@dataclass(frozen=True)
class Summary:
    frozen: dict[str, Any]  # the plan as the version froze it, named: title, place, period…
    html: str  # the summary's markup


@dataclass(frozen=True)
class Listed:
    """An intervention under one of the targets it addresses, on a page of the summary:
    described in full on one page (under the first target it addresses), named with a
    link to its description everywhere else, and a note in words of where that is."""

    item: Intervention
    described: bool  # in full, here
    href: str  # where it is described
    note: str  # "described on page 2", "described under target 10.7"


def _pages(by_target: list[tuple[dict, list[Entry]]], number: int) -> tuple[Page, dict[str, int]]:
    """Page ``number`` of the interventions described (in the order they are described)
    and the page that describes each (its key → page). Raises ``InvalidPage`` when there
    is no such page."""
    described = [entry.item for _target, entries in by_target for entry in entries if entry.first]
    paginator = Paginator(described, INTERVENTIONS_PER_PAGE, allow_empty_first_page=True)
    page_of = {
        item.record["key"]: index // INTERVENTIONS_PER_PAGE + 1
        for index, item in enumerate(described)
    }
    return paginator.page(number), page_of


def _listing(page_of: dict[str, int], shown: int, page_url: str) -> Callable[[Entry], Listed]:
    """How page ``shown`` lists an entry: its link and note made here, in the active
    language (each sentence translated once), so that the template only prints them,
    for hundreds of entries."""
    under, elsewhere = _("described under target %(target)s"), _("described on page %(number)s")

    def listed(entry: Entry) -> Listed:
        page = page_of[entry.item.record["key"]]
        anchor = f"#msdp-{entry.item.anchor}"
        href = anchor if page == shown else f"{page_url}?page={page}{anchor}"
        if not entry.first:
            target = entry.described_under["key"].removeprefix("target:")
            return Listed(entry.item, False, href, under % {"target": target})
        if page != shown:
            return Listed(entry.item, False, href, elsewhere % {"number": page})
        return Listed(entry.item, True, href, "")

    return listed


def _shown_content(outline: SnapshotOutline, records: dict[str, list]) -> dict[str, Any]:
    """A snapshot's content that holds only the ``records`` read (section → records),
    credited as each organisation chose and named in the active language: the work
    grows with what the page shows, not with the plan."""
    sections = {name: {"totals": data["totals"]} for name, data in outline.sections.items()}
    for name, section_records in records.items():
        sections[name] = {**sections.get(name, {}), "records": section_records}
    return named(credited({"format": outline.format, "plan": outline.plan, "sections": sections}))


def _described(version: PlanVersion, whole: dict[str, list], page: Page) -> dict[str, Any]:
    """The content the summary shows (``_shown_content``): the records read whole and the
    page's interventions with their indicators, which also replace the titles the page's
    items held until now."""
    shown = selectors.interventions_with_indicators(
        version, [item.record["key"] for item in page.object_list]
    )
    content = _shown_content(version.snapshot_outline, whole | {"interventions": shown})
    indicators_of: dict[str, list[dict]] = {}
    for record in snapshot_records(content, "interventions", "indicator"):
        indicators_of.setdefault(record.get("parent", ""), []).append(record)
    described = {
        record["key"]: (record, indicators_of.get(record["key"], []))
        for record in snapshot_records(content, "interventions", "intervention")
    }
    for item in page.object_list:
        item.record, item.indicators = described[item.record["key"]]
    return content


def summary_context(
    version: PlanVersion, page_number: int, page_url: str, *, embed: bool
) -> dict[str, Any]:
    """What the summary shows of ``version`` on page ``page_number`` (see
    ``version_summary``), for ``SUMMARY_TEMPLATE``, in the active language, credited as
    each organisation chose: read a part at a time, the titles of all the interventions
    but the records of the page's only; only the records shown are credited and named."""
    outline = version.snapshot_outline
    whole = selectors.version_records(version, SHOWN_WHOLE)
    titles = [Intervention(record, []) for record in selectors.intervention_titles(version)]
    by_target = interventions_by_target(whole["targets"], titles)
    page, page_of = _pages(by_target, page_number)
    content = _described(version, whole, page)
    listed = _listing(page_of, page.number, page_url)
    frozen = content["plan"]
    totals = outline.sections.get("interventions", {}).get("totals", {})
    return {
        "version": version,
        "css": EMBED_CLASSES if embed else PAGE_CLASSES,
        "embed": embed,
        "page_url": page_url,
        "frozen": frozen,
        "level": dict(PlanLevel.choices).get(frozen.get("level", ""), frozen.get("level", "")),
        **governance_chapter(content),
        **targets_chapter(content),
        # each target as the reader reads it, over the entries found by its code
        "by_target": [
            (target, [listed(entry) for entry in entries])
            for target, (_stored, entries) in zip(
                snapshot_records(content, "targets", "target"), by_target, strict=True
            )
        ],
        "page": page,
        "interventions_count": totals.get("interventions"),
        **funding_standing(outline.sections.get("funding", {}).get("totals", {})),
        "mix": snapshot_records(content, "funding", "mix"),
    }


def _key(version: PlanVersion, page_url: str, page: int) -> str:
    # with the moment of submission, as the versions' own cache: ids come back after a
    # database is restored from a backup, a moment to the microsecond does not
    moment = version.submitted_at.timestamp()
    language = translation.get_language()
    return f"portal:version:{version.pk}:{moment}:{page_url}:{page}:{language}"


def version_summary(
    version: PlanVersion, *, page_url: str, page: int = 1, embed: bool = False
) -> Summary:
    """Page ``page`` of the version at a glance, for the portal's page at ``page_url``
    or to embed in another site (then ``page_url`` is absolute: its links lead there):
    read from the parts of its snapshot once per form, page and language, then from the
    cache. Raises ``InvalidPage`` when the version has no such page."""
    cache = caches["default"]
    key = _key(version, page_url, page)
    found = cache.get(key)
    if isinstance(found, Summary):
        return found
    context = summary_context(version, page, page_url, embed=embed)
    summary = Summary(context["frozen"], render_to_string(SUMMARY_TEMPLATE, context))
    cache.set(key, summary, KEPT_FOR)
    return summary
