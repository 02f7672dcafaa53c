"""A version's snapshot: the whole plan frozen at submission, built from what each app
registers (``action_plans.hooks.register_snapshot_section``), and the comparison of two
versions, read from their snapshots alone.

A snapshot is frozen whole (what the document reads) and in parts (``snapshot_freeze``):
its outline and a row per record with the digest of its JSON. A version's page reads the
outline and the page of records it shows (``version_outline``, ``version_records``); a
comparison decodes only the records stored differently (``versions_compared``,
``compared_with``). What they name is kept in the "derived" cache: a version never
changes."""

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar, cast
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_countries import countries

from action_plans import selectors
from action_plans.derived import KEPT_FOR
from action_plans.hooks import SnapshotSection, snapshot_sections
from action_plans.models import (
    ActionPlan,
    PlanSnapshot,
    PlanVersion,
    SnapshotOutline,
    SnapshotRecord,
    place_label,
)
from msd_planner.lib.formatting import number, percent
from msd_planner.lib.money import format_money

# 2: choices, yes or no and catalogue titles stored as codes, named when read (``named``);
# 1 stored them as English words, which still read as they were stored.
FORMAT = 2


def build_snapshot(plan: ActionPlan) -> dict[str, Any]:
    """The plan as it stands, in codes and the words users typed; built in the project's
    default language so that nothing in it depends on who froze it."""
    with translation.override(settings.LANGUAGE_CODE):
        return {
            "format": FORMAT,
            "plan": {
                "title": plan.title,
                "country": str(plan.country),
                "level": plan.level,
                "area_name": plan.area_name,
                "period": plan.period_label,
                "base_currency": plan.base_currency,
            },
            "sections": {section.name: section.build(plan) for section in snapshot_sections()},
        }


def record_digest(record: dict[str, Any]) -> str:
    """The SHA-256 of a record's JSON, written canonically (keys sorted, no spaces): two
    records stored alike have the same digest, whenever and however they were read."""
    text = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def outline_of(content: dict[str, Any]) -> dict[str, Any]:
    """A snapshot's outline (``SnapshotOutline``'s fields): the frozen plan, and each
    section's totals and number of records, in the snapshot's order."""
    return {
        "format": content.get("format", 1),
        "plan": content["plan"],
        "sections": {
            name: {"totals": data.get("totals", {}), "records": len(data.get("records", []))}
            for name, data in content["sections"].items()
        },
    }


@transaction.atomic
def snapshot_freeze(*, version: PlanVersion, content: dict[str, Any]) -> PlanSnapshot:
    """Freeze ``content`` (``build_snapshot``'s) as ``version``'s snapshot, written once:
    whole (``PlanSnapshot``: what the document and a backup read) and in the parts its
    pages and comparisons read (``SnapshotOutline``, a ``SnapshotRecord`` per record).
    The database refuses to change any of them afterwards."""
    snapshot = PlanSnapshot.objects.create(version=version, content=content)
    SnapshotOutline.objects.create(version=version, **outline_of(content))
    SnapshotRecord.objects.bulk_create(
        (
            SnapshotRecord(
                version=version,
                section=name,
                position=position,
                key=record["key"],
                parent=record.get("parent") or "",
                kind=record["kind"],
                digest=record_digest(record),
                record=record,
            )
            for name, data in content["sections"].items()
            for position, record in enumerate(data.get("records", []))
        ),
        batch_size=1000,
    )
    return snapshot


def section_title(name: str) -> str:
    """A section's title in the active language (its name when no app registers it)."""
    return next((str(item.title) for item in snapshot_sections() if item.name == name), name)


def section_url(version: PlanVersion, name: str) -> str:
    """Where a version's page shows the section ``name``."""
    return reverse("version_detail", args=[version.plan_id, version.pk]) + (
        f"?{urlencode({'section': name})}#content"
    )


def _named_record(section: SnapshotSection, record: dict[str, Any]) -> dict[str, Any]:
    fields = {
        name: section.terms[name](value) if name in section.terms and value is not None else value
        for name, value in record["fields"].items()
    }
    label = section.labels[record["kind"]](record) if record["kind"] in section.labels else None
    return {**record, "label": label or record["label"], "fields": fields}


def named(content: dict[str, Any]) -> dict[str, Any]:
    """The snapshot as it reads in the active language: each section's ``terms`` and
    ``labels`` applied (the stored content is left as it is)."""
    sections = dict(content["sections"])
    for section in snapshot_sections():
        data = sections.get(section.name)
        if data is None or not (section.terms or section.labels):
            continue
        sections[section.name] = {
            **data,
            "records": [_named_record(section, record) for record in data.get("records", [])],
        }
    plan = content["plan"]
    country_name = countries.name(plan["country"]) or plan["country"]
    return {
        **content,
        "plan": {
            **plan,
            "country_name": country_name,
            "place_label": place_label(plan.get("area_name", ""), country_name),
        },
        "sections": sections,
    }


def shown(section: SnapshotSection, name: str, value: Any, currency: str) -> str:
    """A snapshot value as it reads on a page: amounts with their currency, shares as
    percentages, lists joined, nothing as a dash."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    try:
        if name in section.money:
            return format_money(Decimal(value), currency)
        if name in section.shares:
            return percent(Decimal(value))
    except InvalidOperation:
        pass
    return str(value)


def shown_total(section: SnapshotSection, name: str, value: Any, currency: str) -> str:
    """A total as it reads: a count with its thousands grouped as the reader groups them
    (1,204; 1 204; 1.204), an amount or a share as ``shown``."""
    counted = name not in section.money and name not in section.shares
    if counted and isinstance(value, int | str) and str(value).isdigit():
        return number(value)
    return shown(section, name, value, currency)


@dataclass
class ShownRecord:
    kind: str
    label: str
    fields: list[tuple[str, str]]


@dataclass
class ShownSection:
    """A section of a version as its page lists it: its totals and how many records it
    has; the records themselves are shown a page at a time (``version_records``)."""

    name: str
    title: str
    totals: list[tuple[str, str]]
    count: int  # of its records


def _shown_sections(outline: dict[str, Any]) -> list[ShownSection]:
    currency = outline["plan"]["base_currency"]
    return [
        ShownSection(
            section.name,
            str(section.title),
            [
                (str(section.fields.get(name, name)), shown_total(section, name, value, currency))
                for name, value in data["totals"].items()
            ],
            data["records"],
        )
        for section in snapshot_sections()
        if (data := outline["sections"].get(section.name)) is not None
    ]


def shown_sections(content: dict[str, Any]) -> list[ShownSection]:
    """The snapshot's sections, in the active language (their totals; no record named)."""
    return _shown_sections(outline_of(content))


def shown_records(
    currency: str, section_name: str, records: Iterable[dict[str, Any]]
) -> list[ShownRecord]:
    """``records`` of one section of a snapshot (a page of them), named and formatted in
    the active language, amounts in ``currency`` (the plan's base currency): the work
    grows with the page, not with the plan."""
    section = next(item for item in snapshot_sections() if item.name == section_name)
    result = []
    for record in records:
        record = _named_record(section, record)
        result.append(
            ShownRecord(
                str(section.kinds.get(record["kind"], record["kind"])),
                record["label"],
                [
                    (str(section.fields.get(name, name)), shown(section, name, value, currency))
                    for name, value in record["fields"].items()
                ],
            )
        )
    return result


# --- a version read a part at a time, what is named kept in the "derived" cache ----------

T = TypeVar("T")
_MISSING = object()


def _kept(key: str, compute: Callable[[], T]) -> T:
    """``compute()``, kept in the "derived" cache under ``key``: what is read from a
    version never changes (the database refuses it), so nothing is ever invalidated."""
    cache = caches["derived"]
    found = cache.get(key, _MISSING)
    if found is not _MISSING:
        return cast(T, found)  # what ``compute`` returned for this key
    value = compute()
    cache.set(key, value, KEPT_FOR)
    return value


def _version_key(version: PlanVersion, name: str) -> str:
    # with the moment of submission: ids come back after a database is restored from a
    # backup, a moment to the microsecond does not (the cache may outlive the restore)
    moment = version.submitted_at.timestamp()
    return f"plan-version:{version.pk}:{moment}:{name}:{translation.get_language()}"


@dataclass
class VersionOutline:
    """What a version's page shows of its snapshot besides a page of records."""

    plan: dict[str, Any]  # the frozen plan: title, period, base currency…
    sections: list[ShownSection]

    @property
    def currency(self) -> str:
        return str(self.plan["base_currency"])


def version_outline(version: PlanVersion) -> VersionOutline:
    """The frozen plan and the sections of ``version``, with their totals, in the
    active language: one small row read, kept per version and language."""

    def read() -> VersionOutline:
        outline = selectors.snapshot_outline(version)
        return VersionOutline(outline.plan, _shown_sections(_outline_fields(outline)))

    return _kept(_version_key(version, "outline"), read)


def version_records(
    version: PlanVersion, outline: VersionOutline, section: str, positions: range
) -> list[ShownRecord]:
    """The records of ``section`` of ``version`` at ``positions`` (a page of them),
    named in the active language: only those rows read and decoded, kept per version,
    section, page and language."""
    return _kept(
        _version_key(version, f"records:{section}:{positions.start}:{positions.stop}"),
        lambda: shown_records(
            outline.currency, section, selectors.snapshot_records(version, section, positions)
        ),
    )


def version_record_subjects(version: PlanVersion, keys: Iterable[str]) -> dict[str, str]:
    """``record_subjects`` of ``keys`` read from the records stored: in ``version``, or
    in the version adopted before it (where the records its revision removed are)."""
    sections = {section.name: section for section in snapshot_sections()}
    found: dict[str, str] = {}
    for name, record in selectors.snapshot_records_named_by(version, keys):
        if name in sections and record["key"] not in found:
            found[record["key"]] = _subject(sections[name], _named_record(sections[name], record))
    return found


@dataclass
class Change:
    """One difference between two versions, in words."""

    kind: str  # "added", "removed", "changed"
    subject: str  # "Intervention “Fair recruitment”"
    details: list[str] = field(default_factory=list)  # "cost: 1,200,000.00 GHS → 1,450,000.00 GHS"
    key: str = ""  # the record's key; none for the totals
    parent: str = ""  # the key of the record it belongs to (an intervention's indicator)
    summary: bool = False  # a record that only sums up others (``SnapshotSection.summaries``)
    living: bool = False  # changed only in fields of the living plan (``SnapshotSection.living``)
    detail: bool = False  # a detail of what another record sums (``SnapshotSection.details``)

    @property
    def anchor(self) -> str:
        """The id of the change in the comparison's page."""
        return record_anchor(self.key) if self.key else ""


def record_anchor(key: str) -> str:
    return "record-" + key.replace(":", "-")


@dataclass
class SectionChanges:
    title: str
    changes: list[Change]


def _subject(section: SnapshotSection, record: dict[str, Any]) -> str:
    kind = str(section.kinds.get(record["kind"], record["kind"]))
    return _("%(kind)s “%(label)s”") % {"kind": kind, "label": record["label"]}


def _moved(
    section: SnapshotSection,
    name: str,
    was: object,
    now: object,
    currency: str,
    show: Callable[[SnapshotSection, str, Any, str], str] = shown,
) -> str:
    return _("%(field)s: %(before)s → %(after)s") % {
        "field": str(section.fields.get(name, name)),
        "before": show(section, name, was, currency),
        "after": show(section, name, now, currency),
    }


def _same(was: object, now: object) -> bool:
    if isinstance(was, list) and isinstance(now, list):
        return sorted(map(str, was)) == sorted(map(str, now))
    return was == now


def _change(
    section: SnapshotSection, kind: str, record: dict[str, Any], details: Iterable[str] = ()
) -> Change:
    return Change(
        kind,
        _subject(section, record),
        list(details),
        key=record["key"],
        parent=record.get("parent", ""),
        summary=record["kind"] in section.summaries,
        detail=record["kind"] in section.details,
    )


def _section_changes(
    section: SnapshotSection,
    old_records: dict[str, dict[str, Any]],
    new_records: dict[str, dict[str, Any]],
    totals: tuple[dict[str, Any], dict[str, Any]],
    currency: str,
) -> list[Change]:
    """The changes of one section from ``old_records`` to ``new_records`` (by key, each
    in its version's order) and from the totals before to those after. The records may
    be all the section's, or only those stored differently in the two versions: a
    record stored alike in both is no change, and one stored differently is given on
    both sides, so a key on one side only was added or removed."""
    changes = []
    for key, stored in new_records.items():
        if key not in old_records:
            changes.append(_change(section, "added", _named_record(section, stored)))
            continue
        kept = old_records[key]
        renamed = kept["label"] != stored["label"]
        if not renamed and kept["fields"] == stored["fields"]:
            continue  # stored alike, read alike: most records, named only if needed
        was, record = _named_record(section, kept), _named_record(section, stored)
        moved = [
            name
            for name, value in record["fields"].items()
            if not _same(was["fields"].get(name), value)
        ]
        details = [
            _moved(section, name, was["fields"].get(name), record["fields"][name], currency)
            for name in moved
        ]
        # renamed: in words, and as stored (a target of format 1 keeps its English
        # title, one of format 2 reads in the reader's language: the same target)
        if renamed and was["label"] != record["label"]:
            details.insert(0, _("renamed from “%(label)s”") % {"label": was["label"]})
        if details:
            change = _change(section, "changed", record, details)
            change.living = not renamed and set(moved) <= section.living
            changes.append(change)
    for key, stored in old_records.items():
        if key not in new_records:
            changes.append(_change(section, "removed", _named_record(section, stored)))
    totals_before, totals_after = totals
    moved_totals = [
        _moved(section, name, totals_before.get(name), value, currency, shown_total)
        for name, value in totals_after.items()
        if totals_before.get(name) != value
    ]
    if moved_totals:
        changes.append(Change("changed", _("Totals"), moved_totals))
    return changes


Records = dict[str, dict[str, dict[str, Any]]]  # section name → key → record, in order


def _compared(
    old_outline: dict[str, Any],
    new_outline: dict[str, Any],
    old_records: Records,
    new_records: Records,
) -> list[SectionChanges]:
    currency = new_outline["plan"]["base_currency"]
    result = []
    for section in snapshot_sections():
        before = old_outline["sections"].get(section.name, {})
        after = new_outline["sections"].get(section.name, {})
        changes = _section_changes(
            section,
            old_records.get(section.name, {}),
            new_records.get(section.name, {}),
            (before.get("totals", {}), after.get("totals", {})),
            currency,
        )
        if changes:
            result.append(SectionChanges(str(section.title), changes))
    return result


def _records_of(content: dict[str, Any]) -> Records:
    return {
        name: {record["key"]: record for record in data.get("records", [])}
        for name, data in content["sections"].items()
    }


def compare(old: dict[str, Any], new: dict[str, Any]) -> list[SectionChanges]:
    """What changed from the snapshot ``old`` to ``new``: records added and removed (by
    their key), fields changed record by record, and totals moved. Values are compared
    as they read (named), lists whatever their order, so a version of format 1 (words)
    and one of format 2 (codes) differ only where the plan did."""
    return _compared(outline_of(old), outline_of(new), _records_of(old), _records_of(new))


def _by_section(stored: Iterable[selectors.StoredRecord]) -> Records:
    result: Records = {}
    for item in sorted(stored, key=lambda item: item.position):
        result.setdefault(item.section, {})[item.record["key"]] = item.record
    return result


def versions_compared(older: PlanVersion, newer: PlanVersion) -> list[SectionChanges]:
    """``compare`` of two versions' snapshots, at the cost of their differences: the
    database finds the records stored differently (by key and digest), only those are
    decoded and named; kept per pair of versions and language."""

    def read() -> list[SectionChanges]:
        differing = selectors.snapshot_records_differing(older, newer)
        return _compared(
            _outline_fields(selectors.snapshot_outline(older)),
            _outline_fields(selectors.snapshot_outline(newer)),
            _by_section(item for item in differing if item.side == "old"),
            _by_section(item for item in differing if item.side == "new"),
        )

    return _kept(_version_key(older, f"compared:{newer.pk}:{newer.submitted_at.timestamp()}"), read)


def compared_with(older: PlanVersion, content: dict[str, Any]) -> list[SectionChanges]:
    """``compare`` of ``older``'s snapshot with ``content`` (the draft's): the digests of
    the records ``older`` stores are read, not the records; only the records stored
    differently are decoded and named."""
    stored = selectors.snapshot_digests(older)
    alike: set[tuple[str, str]] = set()
    new_records: Records = {}
    for name, data in content["sections"].items():
        for record in data.get("records", []):
            found = stored.get((name, record["key"]))
            if found is not None and found[1] == record_digest(record):
                alike.add((name, record["key"]))
            else:
                new_records.setdefault(name, {})[record["key"]] = record
    differing = [pk for place, (pk, _digest) in stored.items() if place not in alike]
    return _compared(
        _outline_fields(selectors.snapshot_outline(older)),
        outline_of(content),
        _by_section(selectors.snapshot_records_by_id(differing)),
        new_records,
    )


def _outline_fields(outline: SnapshotOutline) -> dict[str, Any]:
    return {"format": outline.format, "plan": outline.plan, "sections": outline.sections}


CHANGE_KINDS = {"added": _lazy("added"), "removed": _lazy("removed"), "changed": _lazy("changed")}


@dataclass
class Difference:
    """A record that differs between two versions, as a revision explains it: with the
    records that belong to it and differ too (an added intervention's indicators and
    funding), all named by one reason."""

    key: str
    section: str  # the section's title
    kind: str  # "added", "removed", "changed"
    subject: str
    keys: list[str] = field(default_factory=list)  # its own key first, then its parts'
    parts: list[str] = field(default_factory=list)  # the parts' subjects

    @property
    def anchor(self) -> str:
        return record_anchor(self.key)

    @property
    def kind_label(self) -> str:
        return str(CHANGE_KINDS[self.kind])


def differences(changes: list[SectionChanges]) -> list[Difference]:
    """The records that differ in a comparison (``compare``), each once: a record whose
    parent differs too goes with its parent. Summaries and totals are left out: they
    follow from the records they sum, as details do (the records that sum them move with
    them); so are changes of the living plan alone (progress measured, money disbursed),
    which go on after adoption."""
    listed = [
        (section.title, change)
        for section in changes
        for change in section.changes
        if change.key and not change.summary and not change.detail and not change.living
    ]
    keys = {change.key for _title, change in listed}
    result: dict[str, Difference] = {}
    for title, change in listed:
        if change.parent in keys:
            continue
        result[change.key] = Difference(
            change.key, title, change.kind, change.subject, keys=[change.key]
        )
    for _title, change in listed:
        if change.parent in keys:
            owner = result[change.parent]
            owner.keys.append(change.key)
            owner.parts.append(change.subject)
    return list(result.values())


def record_subjects(contents: list[dict[str, Any]], keys: Iterable[str]) -> dict[str, str]:
    """The records of ``keys`` named in the active language ("Intervention “…”"), found in
    the first of ``contents`` (snapshots) that holds them: the records a change explains,
    whether the revision added, changed or removed them."""
    wanted, found = set(keys), {}
    for content in contents:
        for section in snapshot_sections():
            for record in content["sections"].get(section.name, {}).get("records", []):
                key = record["key"]
                if key in wanted and key not in found:
                    found[key] = _subject(section, _named_record(section, record))
    return found
