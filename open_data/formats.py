"""The open formats of an adopted version beside its IATI file: the plan as JSON (its
snapshot, in an envelope) and its tables as CSV files in a zip. Both are read from the
version's snapshot only, with the organisations credited as each chose
(``governance.credit.credited``) and coded values in the plan's language
(``action_plans.snapshot.named``); nothing of a draft can appear in them."""

import io
import json
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone, translation

from action_plans.models import PlanVersion
from action_plans.snapshot import named, section_title
from funding.snapshot import FIGURES
from governance.credit import credited
from msd_planner.lib.csv_stream import csv_chunks

FORMAT = "msd-planner/plan"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class PublicRecord:
    """A record of the snapshot as published: as stored (codes, ISO dates, plain
    decimals) after crediting, and in words (``named``)."""

    stored: dict[str, Any]
    words: dict[str, Any]

    @property
    def key(self) -> str:
        return self.stored["key"]

    def id(self) -> str:
        """The record's id: its key without its kind ("intervention:4" → "4")."""
        return self.key.split(":", 1)[-1]

    def parent_id(self) -> str:
        return (self.stored.get("parent") or "").split(":", 1)[-1]

    def field(self, name: str) -> Any:
        return self.stored["fields"].get(name)

    def word(self, name: str) -> Any:
        return self.words["fields"].get(name)


@dataclass(frozen=True)
class PublicVersion:
    """A version as its open files show it: the frozen plan (named) and its records
    (credited) by section."""

    version: PlanVersion
    language: str
    plan: dict[str, Any]
    sections: dict[str, dict[str, Any]]  # name → {"totals": …, "records": [PublicRecord]}

    def records(self, section: str, kind: str) -> list[PublicRecord]:
        data = self.sections.get(section, {})
        return [record for record in data.get("records", []) if record.stored["kind"] == kind]


def public_version(version: PlanVersion, content: dict[str, Any], language: str) -> PublicVersion:
    """``version``'s snapshot ``content`` as published, in ``language`` (the plan's)."""
    with translation.override(language):
        stored = credited(content)
        words = named(stored)
        sections = {
            name: {
                "title": section_title(name),
                "totals": data.get("totals", {}),
                "records": [
                    PublicRecord(record, word)
                    for record, word in zip(
                        data.get("records", []),
                        words["sections"][name].get("records", []),
                        strict=True,
                    )
                ],
            }
            for name, data in stored["sections"].items()
        }
    return PublicVersion(version, language, words["plan"], sections)


# --- the plan as JSON ----------------------------------------------------------------


def _json_record(record: PublicRecord) -> dict[str, Any]:
    stored = {name: value for name, value in record.stored.items() if name != "credits"}
    words = {
        name: value
        for name, value in record.words["fields"].items()
        if value != record.stored["fields"].get(name)
    }
    return {**stored, "label": record.words["label"], "words": words}


def plan_document(public: PublicVersion) -> dict[str, Any]:
    """The JSON document of a version (its shape: docs/architecture.md, "Open formats")."""
    version = public.version
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "language": public.language,
        "plan": {"id": version.plan_id, **public.plan},
        "version": {
            "number": version.number,
            "status": version.status,
            "adoption_date": version.adoption_date,
            "adoption_reference": version.adoption_reference,
        },
        "sections": {
            name: {
                "title": data["title"],
                "totals": data["totals"],
                "records": [_json_record(record) for record in data["records"]],
            }
            for name, data in public.sections.items()
        },
    }


_TEXT_OR_NULL = {"type": ["string", "null"]}

# ``plan_document``'s shape as a JSON Schema (2020-12): what the API's schema says of the
# document, and what a client may rely on. Records carry more keys than these in some
# kinds (an indicator's SDG code as ``name``); fields and words are per kind.
PLAN_DOCUMENT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "An adopted version of a plan, as frozen at its submission, with the "
    "organisations credited as each chose: docs/architecture.md, 'Open formats'.",
    "required": ["format", "format_version", "language", "plan", "version", "sections"],
    "properties": {
        "format": {"const": FORMAT},
        "format_version": {
            "type": "integer",
            "description": "Changes when a field is renamed or removed, not when one is added.",
        },
        "language": {"type": "string", "description": "The language of the plan's words."},
        "plan": {
            "type": "object",
            "required": ["id", "title", "country", "level", "period", "base_currency"],
            "properties": {
                "id": {"type": "integer"},
                "title": {"type": "string"},
                "country": {"type": "string", "description": "ISO 3166-1 alpha-2."},
                "country_name": {"type": "string"},
                "level": {"type": "string"},
                "area_name": {"type": "string"},
                "place_label": {"type": "string"},
                "period": {"type": "string"},
                "base_currency": {"type": "string", "description": "ISO 4217."},
            },
        },
        "version": {
            "type": "object",
            "required": ["number", "status", "adoption_date", "adoption_reference"],
            "properties": {
                "number": {"type": "string", "pattern": r"^\d+\.\d+$"},
                "status": {"enum": ["adopted", "superseded"]},
                "adoption_date": {"type": "string", "format": "date"},
                "adoption_reference": {"type": "string"},
            },
        },
        "sections": {
            "type": "object",
            "description": "By section (governance, targets, interventions, funding…).",
            "additionalProperties": {
                "type": "object",
                "required": ["title", "totals", "records"],
                "properties": {
                    "title": {"type": "string"},
                    "totals": {
                        "type": "object",
                        "description": "Figures as decimal text.",
                        "additionalProperties": _TEXT_OR_NULL,
                    },
                    "records": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["key", "kind", "label", "fields", "words"],
                            "properties": {
                                "key": {"type": "string", "description": "kind:id"},
                                "kind": {"type": "string"},
                                "parent": {
                                    **_TEXT_OR_NULL,
                                    "description": "The key of the record it belongs to.",
                                },
                                "label": {"type": "string"},
                                "fields": {
                                    "type": "object",
                                    "description": "As stored: codes, ISO dates, money "
                                    "and figures as decimal text, pairs as two-item lists.",
                                },
                                "words": {
                                    "type": "object",
                                    "description": "Each field that reads differently, "
                                    "in words in the plan's language.",
                                },
                            },
                        },
                    },
                },
            },
        },
    },
}


def plan_json(public: PublicVersion) -> bytes:
    """The version as UTF-8 JSON, compact: written by the json module's C encoder, which
    an indented document would not use (a large plan's took four times as long)."""
    document = plan_document(public)
    return json.dumps(
        document, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")
    ).encode()


# --- the tables as CSV ----------------------------------------------------------------


def _joined(values: Iterable[Any] | None) -> str:
    return "; ".join(str(value) for value in values or [])


def _year(value: Any) -> Any:
    return value[1] if isinstance(value, list) and len(value) > 1 else None


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


@dataclass(frozen=True)
class Table:
    """One CSV of the zip: ``rows(public)`` yields its rows under ``headers``."""

    name: str
    headers: list[str]
    rows: Callable[[PublicVersion], Iterable[list[Any]]]


def _interventions(public: PublicVersion) -> Iterable[list[Any]]:
    currency = public.plan.get("base_currency")
    for record in public.records("interventions", "intervention"):
        yield [
            record.id(),
            record.words["label"],
            record.word("status"),
            record.word("level"),
            record.word("sector"),
            _joined(record.field("targets")),
            record.field("lead"),
            _joined(record.word("partners")),
            record.field("start"),
            record.field("end"),
            record.field("cost"),
            currency,
            _joined(record.word("beneficiaries")),
            record.field("description"),
            record.field("design"),
            record.field("capacity_building"),
        ]


def _indicators(public: PublicVersion) -> Iterable[list[Any]]:
    for record in public.records("interventions", "indicator"):
        baseline = record.field("baseline")
        yield [
            record.id(),
            record.parent_id(),
            record.stored.get("name"),
            record.words["label"],
            record.field("unit"),
            _first(baseline),
            _year(baseline),
            record.field("reporting"),
        ]


def _indicator_values(public: PublicVersion) -> Iterable[list[Any]]:
    for record in public.records("interventions", "indicator"):
        common = [record.id(), record.parent_id(), record.stored.get("name")]
        for year, value in record.field("target_values") or []:
            yield [*common, "target", year, value]
        for day, value in record.field("progress") or []:
            yield [*common, "approved", day, value]


def _targets(public: PublicVersion) -> Iterable[list[Any]]:
    for record in public.records("targets", "target"):
        code = record.id()
        title = (record.stored.get("titles") or {}).get(public.language) or record.words["label"]
        yield [
            code,
            title.removeprefix(f"{code} "),
            record.field("rank"),
            record.field("score"),
            record.field("baseline"),
            _joined(record.field("indicators")),
            record.field("responsible"),
            record.field("local_adaptation"),
            record.field("rationale"),
        ]


def _funding(public: PublicVersion) -> Iterable[list[Any]]:
    currency = public.plan.get("base_currency")
    for record in public.records("funding", "funding"):
        figures = [record.field(name) for name in FIGURES]
        yield [record.parent_id(), record.words["label"], currency, *figures]


def _sources(public: PublicVersion) -> Iterable[list[Any]]:
    for record in public.records("funding", "source"):
        yield [
            record.id(),
            record.words["label"],
            record.word("source_kind"),
            record.field("provider"),
            record.field("currency"),
        ]


def _commitments(public: PublicVersion) -> Iterable[list[Any]]:
    """Each commitment as entered, in its own currency, beside its amount in the plan's
    base currency; none for a version frozen before commitments were kept."""
    currency = public.plan.get("base_currency")
    for record in public.records("funding", "commitment"):
        yield [
            record.id(),
            record.parent_id(),
            record.field("source"),
            record.field("provider"),
            record.word("stage"),
            record.field("dated"),
            record.field("amount"),
            record.field("currency"),
            record.field("disbursed_to_date"),
            record.field("base_amount"),
            currency,
        ]


def _organisations(public: PublicVersion) -> Iterable[list[Any]]:
    kinds = {"lead": "lead_body", "adviser": "technical_adviser"}
    for kind, role in kinds.items():
        for record in public.records("governance", kind):
            yield [role, record.words["label"], "", "", "", _joined(record.word("responsible_for"))]
    for record in public.records("governance", "participant"):
        yield [
            "participant",
            record.words["label"],
            record.word("type"),
            record.word("local_actor"),
            _joined(record.word("led_by")),
            "",
        ]


TABLES = [
    Table(
        "interventions",
        [
            "intervention",
            "title",
            "status",
            "level",
            "sector",
            "targets",
            "lead",
            "partners",
            "start",
            "end",
            "cost",
            "currency",
            "beneficiaries",
            "description",
            "design",
            "capacity_building",
        ],
        _interventions,
    ),
    Table(
        "indicators",
        [
            "indicator",
            "intervention",
            "name",
            "label",
            "unit",
            "baseline",
            "baseline_year",
            "reported_by",
        ],
        _indicators,
    ),
    Table(
        "indicator_values",
        ["indicator", "intervention", "name", "kind", "period", "value"],
        _indicator_values,
    ),
    Table(
        "targets",
        [
            "target",
            "title",
            "rank",
            "score",
            "baseline",
            "indicators",
            "responsible",
            "local_adaptation",
            "rationale",
        ],
        _targets,
    ),
    Table(
        "funding",
        ["intervention", "title", "currency", *FIGURES],
        _funding,
    ),
    Table("sources", ["source", "name", "kind", "provider", "currency"], _sources),
    Table(
        "commitments",
        [
            "commitment",
            "intervention",
            "source",
            "provider",
            "stage",
            "date",
            "amount",
            "currency",
            "disbursed_to_date",
            "amount_in_base_currency",
            "base_currency",
        ],
        _commitments,
    ),
    Table(
        "organisations",
        ["role", "name", "type", "local_actor", "led_by", "responsible_for"],
        _organisations,
    ),
]


def tables_zip(public: PublicVersion) -> bytes:
    """A zip of one CSV per table (``TABLES``), written by the project's CSV writer (a
    formula-like cell made inert); dated the day the version was frozen, so that the same
    version makes the same bytes."""
    moment = timezone.localtime(public.version.submitted_at)
    stamp = (max(moment.year, 1980), moment.month, moment.day, moment.hour, moment.minute, 0)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table in TABLES:
            data = b"".join(csv_chunks(table.headers, table.rows(public)))
            info = zipfile.ZipInfo(f"{table.name}.csv", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()
