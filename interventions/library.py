"""Example interventions to start from, and interventions imported from a file.

The examples ship as data (``interventions/data/examples.json``), read once per process.
An import is read whole and checked row by row (the same checks as the intervention form:
the model's field validations, then ``services.intervention_problems``) before anything is
written; the write is one transaction through ``services.intervention_create``.
"""

import csv
import io
import json
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from action_plans.models import ActionPlan
from governance.models import Organisation, User
from interventions.models import (
    BeneficiaryGroup,
    Intervention,
    InterventionLevel,
    InterventionStatus,
    PartnerRole,
    ResultIndicator,
    Sector,
)
from interventions.services import (
    Links,
    indicator_create,
    intervention_create,
    intervention_problems,
)
from msd_planner.lib.types import StrOrPromise
from targets.models import Indicator, PrioritisedTarget, ProposalStatus

EXAMPLES_FILE = Path(__file__).resolve().parent / "data" / "examples.json"


# --- examples ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExampleIndicator:
    unit: str
    sdg: str = ""  # a global SDG indicator code, or
    name: str = ""  # a national indicator


@dataclass(frozen=True)
class Example:
    slug: str
    title: str
    targets: tuple[str, ...]  # SDG target codes
    level: str
    sector: str
    description: str
    design: str
    beneficiaries: tuple[str, ...]
    indicators: tuple[ExampleIndicator, ...]

    def get_level_display(self) -> StrOrPromise:
        return InterventionLevel(self.level).label

    def get_sector_display(self) -> StrOrPromise:
        return Sector(self.sector).label

    def beneficiary_labels(self) -> list[StrOrPromise]:
        return [BeneficiaryGroup(group).label for group in self.beneficiaries]


@cache
def examples() -> tuple[Example, ...]:
    """Every example, in the order of the file."""
    raw = json.loads(EXAMPLES_FILE.read_text(encoding="utf-8"))["examples"]
    return tuple(
        Example(
            slug=item["slug"],
            title=item["title"],
            targets=tuple(item["targets"]),
            level=item["level"],
            sector=item["sector"],
            description=item["description"],
            design=item["design"],
            beneficiaries=tuple(item["beneficiaries"]),
            indicators=tuple(ExampleIndicator(**indicator) for indicator in item["indicators"]),
        )
        for item in raw
    )


def example_by_slug(slug: str) -> Example | None:
    return next((example for example in examples() if example.slug == slug), None)


def example_target_codes() -> list[str]:
    """The SDG targets the examples address, in the catalogue's order."""
    codes = {code for example in examples() for code in example.targets}
    return sorted(
        codes,
        key=lambda code: [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in code.split(".")],
    )


def prioritised_by_code(plan: ActionPlan) -> dict[str, PrioritisedTarget]:
    """The plan's prioritised (accepted) targets by target code: one query."""
    return {
        item.target.code: item
        for item in PrioritisedTarget.objects.filter(plan=plan, status=ProposalStatus.ACCEPTED)
        .select_related("target")
        .order_by("target__position")
    }


@transaction.atomic
def intervention_from_example(
    *,
    actor: User,
    plan: ActionPlan,
    example: Example,
    lead_organisation: Organisation,
    targets: list[PrioritisedTarget],
) -> Intervention:
    """A draft (proposed) intervention written from ``example`` for ``lead_organisation``,
    addressing ``targets``, with the example's indicators that measure a target it
    addresses (national indicators always)."""
    intervention = intervention_create(
        actor=actor,
        plan=plan,
        intervention=Intervention(
            title=example.title,
            level=example.level,
            sector=example.sector,
            description=example.description,
            design=example.design,
            lead_organisation=lead_organisation,
            status=InterventionStatus.PROPOSED,
        ),
        links=Links(
            targets={item.pk: "" for item in targets},
            beneficiaries=dict.fromkeys(example.beneficiaries),
        ),
    )
    addressed = {item.target.code for item in targets}
    sdg_codes = [item.sdg for item in example.indicators if item.sdg]
    sdg = {
        indicator.code: indicator
        for indicator in Indicator.objects.filter(code__in=sdg_codes).select_related("target")
    }
    for suggested in example.indicators:
        if suggested.sdg:
            indicator = sdg.get(suggested.sdg)
            if indicator is None or indicator.target.code not in addressed:
                continue
            result = ResultIndicator(sdg_indicator=indicator, unit=suggested.unit)
        else:
            result = ResultIndicator(name=suggested.name, unit=suggested.unit)
        indicator_create(actor=actor, intervention=intervention, indicator=result, target_values={})
    return intervention


# --- import --------------------------------------------------------------------------------

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 1000
IMPORT_FORMATS = ("csv", "xlsx")
LIST_SEPARATOR = ";"


@dataclass(frozen=True)
class Column:
    name: str  # the header, as the template writes it
    required: bool
    help: StrOrPromise  # what it holds, for the page


IMPORT_COLUMNS = (
    Column("title", True, gettext_lazy("The intervention's title (up to 200 characters).")),
    Column("level", True, gettext_lazy("policy, programme or both.")),
    Column("sector", True, gettext_lazy("One of the sector codes listed below.")),
    Column(
        "targets",
        True,
        gettext_lazy(
            "The codes of the prioritised targets it addresses, separated by semicolons "
            "(10.7; 10.c)."
        ),
    ),
    Column("description", False, gettext_lazy("What it is (up to 5,000 characters).")),
    Column("design", False, gettext_lazy("How it will work (up to 5,000 characters).")),
    Column("start_date", False, gettext_lazy("YYYY-MM-DD, within the plan period.")),
    Column("end_date", False, gettext_lazy("YYYY-MM-DD, within the plan period.")),
    Column(
        "estimated_cost",
        False,
        gettext_lazy("A number in the plan's base currency, without the currency (250000.00)."),
    ),
    Column(
        "beneficiaries",
        False,
        gettext_lazy(
            "Beneficiary group codes separated by semicolons, each with its estimated "
            "number after a colon where known (migrant_workers: 1200; women)."
        ),
    ),
    Column(
        "partners",
        False,
        gettext_lazy(
            "Acronyms (or names) of organisations taking part in the plan, separated by "
            "semicolons; each is an implementing partner, other roles are set on the "
            "intervention's page."
        ),
    ),
    Column(
        "status",
        False,
        gettext_lazy("proposed (when empty), designed, in_plan, under_way or completed."),
    ),
)
COLUMN_NAMES = tuple(column.name for column in IMPORT_COLUMNS)
REQUIRED_COLUMNS = tuple(column.name for column in IMPORT_COLUMNS if column.required)
# Statuses an import may give: a dropped intervention needs a reason, given on its page.
IMPORT_STATUSES = tuple(status for status in InterventionStatus if status != "dropped")
# Where a problem the service reports on a form field is shown in the file.
FIELD_COLUMN = {"lead_organisation": "", "drop_reason": "status"}
# The fields ``intervention_problems`` checks against the plan and the other records.
CHECKED_ACROSS_RECORDS = (
    "start_date",
    "end_date",
    "estimated_cost",
    "status",
    "drop_reason",
    "lead_organisation",
)

EXAMPLE_ROWS = (
    {
        "title": "Remittance price comparison",
        "level": "programme",
        "sector": "financial_inclusion",
        "targets": "10.c",
        "description": "A public comparison of what it costs to send money home.",
        "design": "Prices collected each quarter; website and app in the diaspora's languages.",
        "start_date": "2026-01-01",
        "end_date": "2028-12-31",
        "estimated_cost": "250000.00",
        "beneficiaries": "diaspora: 40000; migrant_workers",
        "partners": "",
        "status": "proposed",
    },
)


class ImportRefused(Exception):
    """The file as a whole cannot be read as an import: wrong type, too large, columns."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ImportProblem:
    row: int  # as the spreadsheet numbers it: the header is row 1
    column: str  # "" for the row as a whole
    message: str


@dataclass
class ImportRow:
    row: int
    intervention: Intervention
    links: Links


@dataclass
class ImportResult:
    rows: list[ImportRow] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)


def template_bytes(file_format: str) -> bytes:
    """The import template: the header row and one example row."""
    if file_format == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=COLUMN_NAMES)
        writer.writeheader()
        writer.writerows(EXAMPLE_ROWS)
        return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM lets Excel read UTF-8
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.worksheets[0]  # a new workbook's one sheet, the active one
    sheet.title = "interventions"
    sheet.append(list(COLUMN_NAMES))
    for row in EXAMPLE_ROWS:
        sheet.append([row[name] for name in COLUMN_NAMES])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "date") and callable(value.date):  # an XLSX date cell (datetime)
        return value.date().isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, float):
        return str(Decimal(str(value)))
    return str(value).strip()


def _read_rows(name: str, content: bytes) -> list[list[str]]:
    """The file's rows (header first) as text cells; ImportRefused when it cannot be read."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in IMPORT_FORMATS:
        raise ImportRefused(_("Choose a CSV or XLSX file (the template is in both formats)."))
    if len(content) > MAX_IMPORT_BYTES:
        raise ImportRefused(_("The file is larger than 5 MB. Split it into smaller files."))
    if extension == "csv":
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportRefused(
                _("The CSV file is not in UTF-8. Save it as “CSV UTF-8” and try again.")
            ) from None
        first_line = text.split("\n", 1)[0]
        delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
        try:
            rows = [
                [cell.strip() for cell in row]
                for row in csv.reader(io.StringIO(text), delimiter=delimiter)
            ]
        except csv.Error:
            raise ImportRefused(
                _("The CSV file cannot be read: a cell is too long or a quote is not closed.")
            ) from None
        return _within_row_limit(rows)
    _refuse_an_unreasonable_workbook(content)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises several kinds for a file that is not a workbook
        raise ImportRefused(_("The file cannot be read as an XLSX workbook.")) from None
    try:
        sheet = workbook.worksheets[0]
        rows = []
        width = None
        for values in sheet.iter_rows(values_only=True):
            cells = [_cell_text(value) for value in values]
            width = width or len(cells)  # the header's width: further columns are ignored
            rows.append(cells[: width + 1])
            if len([row for row in rows[1:] if any(row)]) > MAX_IMPORT_ROWS:
                break
        return _within_row_limit(rows)
    finally:
        workbook.close()


# An XLSX file is a zip archive: what it unpacks to is bounded, so that a small file
# cannot expand to gigabytes in memory (openpyxl reads its shared strings whole).
MAX_UNPACKED_BYTES = 50 * 1024 * 1024


def _refuse_an_unreasonable_workbook(content: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile:
        raise ImportRefused(_("The file cannot be read as an XLSX workbook.")) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportRefused(
            _("The workbook unpacks to more than 50 MB. Save the interventions alone in it.")
        )


def _within_row_limit(rows: list[list[str]]) -> list[list[str]]:
    """The rows, or ImportRefused when the file holds more than the import takes: a file
    is imported whole or not at all, never cut short."""
    filled = sum(1 for row in rows[1:] if any(cell.strip() for cell in row))
    if filled > MAX_IMPORT_ROWS:
        raise ImportRefused(
            _("The file has more than %(count)s interventions. Split it into smaller files.")
            % {"count": MAX_IMPORT_ROWS}
        )
    return rows


def _split(text: str) -> list[str]:
    """The parts of a list cell, separated by semicolons (a comma may be part of a number
    or of an organisation's name)."""
    return [part.strip() for part in text.split(LIST_SEPARATOR) if part.strip()]


def _choice(text: str, choices) -> str | None:
    """The choice's value for its code or its label (any case); None when unknown."""
    wanted = text.strip().lower()
    for value, label in choices:
        if wanted in (value, str(label).lower()):
            return value
    return None


def read_import(
    *, plan: ActionPlan, lead_organisation: Organisation, name: str, content: bytes
) -> ImportResult:
    """Read and check a whole import file. Raises ImportRefused for a file that cannot be
    taken at all; otherwise every row's problems are listed, with its row and column."""
    rows = _read_rows(name, content)
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows:
        raise ImportRefused(_("The file is empty: it needs the header row of the template."))
    header = [cell.strip().lower().replace(" ", "_") for cell in rows[0]]
    while header and not header[-1]:
        header.pop()
    unknown = [cell or _("(empty)") for cell in header if cell not in COLUMN_NAMES]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    repeated = sorted({cell for cell in header if cell and header.count(cell) > 1})
    messages = []
    if unknown:
        messages.append(_("Unknown columns: %(names)s.") % {"names": ", ".join(unknown)})
    if missing:
        messages.append(_("Missing columns: %(names)s.") % {"names": ", ".join(missing)})
    if repeated:
        messages.append(_("Columns given twice: %(names)s.") % {"names": ", ".join(repeated)})
    if messages:
        messages.append(_("The columns are: %(names)s.") % {"names": ", ".join(COLUMN_NAMES)})
        raise ImportRefused(" ".join(messages))
    data_rows = [(number, row) for number, row in enumerate(rows[1:], start=2) if any(row)]
    if not data_rows:
        raise ImportRefused(_("The file has no intervention below its header row."))
    if len(data_rows) > MAX_IMPORT_ROWS:
        raise ImportRefused(
            _("The file has more than %(count)s interventions. Split it into smaller files.")
            % {"count": MAX_IMPORT_ROWS}
        )
    prioritised = prioritised_by_code(plan)
    participants = list(Organisation.objects.filter(participations__plan=plan))
    result = ImportResult()
    for number, cells in data_rows:
        values = {
            name: (cells[index] if index < len(cells) else "") for index, name in enumerate(header)
        }
        _read_row(number, values, plan, lead_organisation, prioritised, participants, result)
    return result


@dataclass
class _RowProblems:
    """The problems of one row of an import, in the order they are found."""

    row: int
    found: list[ImportProblem] = field(default_factory=list)

    def add(self, column: str, message) -> None:
        self.found.append(ImportProblem(self.row, column, str(message)))

    def columns(self) -> set[str]:
        return {problem.column for problem in self.found}

    def not_one_of(self, column: str, text: str, codes) -> None:
        self.add(
            column,
            _("“%(value)s” is not one of: %(choices)s.")
            % {"value": text, "choices": ", ".join(codes)},
        )


def _read_row(number, values, plan, lead, prioritised, participants, result) -> None:
    """Check one row as the intervention form would: the intervention's fields, its links,
    then the rules that span records (once its targets are known)."""
    problems = _RowProblems(number)
    intervention = _row_intervention(values, plan, lead, problems)
    links = Links(
        targets=_row_targets(values, prioritised, problems),
        beneficiaries=_row_beneficiaries(values, problems),
        partners=_row_partners(values, participants, problems),
    )
    if "targets" not in problems.columns():
        checked = {name: getattr(intervention, name) for name in CHECKED_ACROSS_RECORDS}
        for name, messages in intervention_problems(plan, checked, links).items():
            for message in messages:
                problems.add(FIELD_COLUMN.get(name, name), message)
    if problems.found:
        result.problems.extend(problems.found)
    else:
        result.rows.append(ImportRow(number, intervention, links))


def _row_intervention(values, plan, lead, problems: _RowProblems) -> Intervention:
    """The row's intervention, its fields checked by the model's validations; a date or a
    cost that is not one is left out (None) of the checks that follow."""
    fields = {
        "title": values.get("title", ""),
        "description": values.get("description", ""),
        "design": values.get("design", ""),
        "start_date": values.get("start_date") or None,
        "end_date": values.get("end_date") or None,
        "estimated_cost": values.get("estimated_cost", "").replace(" ", "") or None,
        **_row_choices(values, problems),
    }
    intervention = Intervention(plan=plan, lead_organisation=lead, **fields)
    reported = problems.columns()
    try:
        intervention.full_clean(exclude=["plan", "lead_organisation"], validate_constraints=False)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            if name not in reported:
                for message in messages:
                    problems.add(name, message)
    invalid = problems.columns()
    for name in ("start_date", "end_date", "estimated_cost"):
        if name in invalid:
            setattr(intervention, name, None)  # still text: leave it out of the checks below
    return intervention


def _row_choices(values, problems: _RowProblems) -> dict[str, str]:
    """The level, sector and status the row gives, by code or label (level and sector
    empty when unknown, for the model to say they are required; the status proposed)."""
    fields = {}
    for column, choices in (("level", InterventionLevel.choices), ("sector", Sector.choices)):
        text = values.get(column, "")
        fields[column] = (_choice(text, choices) if text else "") or ""
        if text and not fields[column]:
            problems.not_one_of(column, text, [value for value, _label in choices])
    status_text = values.get("status", "")
    status_choices = [(status.value, status.label) for status in IMPORT_STATUSES]
    status = _choice(status_text, status_choices) if status_text else "proposed"
    if status is None:
        problems.not_one_of("status", status_text, [value for value, _label in status_choices])
    fields["status"] = status or "proposed"
    return fields


def _row_targets(values, prioritised, problems: _RowProblems) -> dict[int, str]:
    """The prioritised targets the row addresses, by code."""
    targets = {}
    for code in _split(values.get("targets", "")):
        item = prioritised.get(code)
        if item is None:
            problems.add(
                "targets", _("Target %(code)s is not prioritised in this plan.") % {"code": code}
            )
        else:
            targets[item.pk] = ""
    return targets


def _row_beneficiaries(values, problems: _RowProblems) -> dict[str, int | None]:
    """The beneficiary groups (code or label), each with its number where given."""
    beneficiaries: dict[str, int | None] = {}
    for part in _split(values.get("beneficiaries", "")):
        group_text, _colon, number_text = part.partition(":")
        group = _choice(group_text, BeneficiaryGroup.choices)
        if group is None:
            problems.not_one_of("beneficiaries", group_text.strip(), BeneficiaryGroup.values)
            continue
        estimated = None
        if number_text.strip():
            digits = number_text.strip().replace(" ", "").replace(",", "")
            if not digits.isdigit() or len(digits) > 9:
                problems.add(
                    "beneficiaries",
                    _("“%(value)s” is not a whole number of people.")
                    % {"value": number_text.strip()},
                )
                continue
            estimated = int(digits)
        beneficiaries[group] = estimated
    return beneficiaries


def _row_partners(values, participants, problems: _RowProblems) -> dict[int, str]:
    """The partners (acronym or name of organisations taking part in the plan), each an
    implementing partner."""
    partners = {}
    for part in _split(values.get("partners", "")):
        wanted = part.lower()
        organisation = next(
            (
                organisation
                for organisation in participants
                if wanted in (organisation.acronym.lower(), organisation.name.lower())
            ),
            None,
        )
        if organisation is None:
            problems.add(
                "partners", _("%(name)s does not take part in this plan.") % {"name": part}
            )
        else:
            partners[organisation.pk] = PartnerRole.IMPLEMENTING.value
    return partners


@transaction.atomic
def interventions_import(
    *, actor: User, plan: ActionPlan, rows: list[ImportRow]
) -> list[Intervention]:
    """Create every row's intervention, or none (one transaction): each is checked again
    under the plan's lock by ``intervention_create``."""
    created = []
    for row in rows:
        try:
            created.append(
                intervention_create(
                    actor=actor, plan=plan, intervention=row.intervention, links=row.links
                )
            )
        except ValidationError as error:
            raise ValidationError(
                _("Row %(row)s: %(problems)s")
                % {"row": row.row, "problems": " ".join(error.messages)}
            ) from error
    return created
