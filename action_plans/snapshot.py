"""A version's snapshot: the whole plan frozen at submission, built from what each app
registers (``action_plans.hooks.register_snapshot_section``), and the comparison of two
versions, read from their snapshots alone."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_countries import countries

from action_plans.hooks import SnapshotSection, snapshot_sections
from action_plans.models import ActionPlan, PlanVersion, place_label
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


def version_sections(content: dict[str, Any]) -> list[tuple[str, str]]:
    """The sections of a snapshot, as (name, title in the active language), in order."""
    return [
        (section.name, str(section.title))
        for section in snapshot_sections()
        if section.name in content["sections"]
    ]


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
    has; the records themselves are shown a page at a time (``shown_records``)."""

    name: str
    title: str
    totals: list[tuple[str, str]]
    records: list[dict[str, Any]]  # as stored


def shown_sections(content: dict[str, Any]) -> list[ShownSection]:
    """The snapshot's sections, in the active language (their totals; no record named)."""
    currency = content["plan"]["base_currency"]
    return [
        ShownSection(
            section.name,
            str(section.title),
            [
                (str(section.fields.get(name, name)), shown_total(section, name, value, currency))
                for name, value in data.get("totals", {}).items()
            ],
            data.get("records", []),
        )
        for section in snapshot_sections()
        if (data := content["sections"].get(section.name)) is not None
    ]


def shown_records(
    content: dict[str, Any], section_name: str, records: Iterable[dict[str, Any]]
) -> list[ShownRecord]:
    """``records`` of one section of the snapshot (a page of them), named and formatted
    in the active language: the work grows with the page, not with the plan."""
    section = next(item for item in snapshot_sections() if item.name == section_name)
    currency = content["plan"]["base_currency"]
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
    )


def compare(old: dict[str, Any], new: dict[str, Any]) -> list[SectionChanges]:
    """What changed from the snapshot ``old`` to ``new``: records added and removed (by
    their key), fields changed record by record, and totals moved. Values are compared
    as they read (named), lists whatever their order, so a version of format 1 (words)
    and one of format 2 (codes) differ only where the plan did."""
    currency = new["plan"]["base_currency"]
    result = []
    for section in snapshot_sections():
        before = old["sections"].get(section.name, {})
        after = new["sections"].get(section.name, {})
        old_records = {record["key"]: record for record in before.get("records", [])}
        new_records = {record["key"]: record for record in after.get("records", [])}
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
        totals_before, totals_after = before.get("totals", {}), after.get("totals", {})
        moved_totals = [
            _moved(section, name, totals_before.get(name), value, currency, shown_total)
            for name, value in totals_after.items()
            if totals_before.get(name) != value
        ]
        if moved_totals:
            changes.append(Change("changed", _("Totals"), moved_totals))
        if changes:
            result.append(SectionChanges(str(section.title), changes))
    return result


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
    follow from the records they sum; so are changes of the living plan alone (progress
    measured, money disbursed), which go on after adoption."""
    listed = [
        (section.title, change)
        for section in changes
        for change in section.changes
        if change.key and not change.summary and not change.living
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
