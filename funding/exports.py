"""The plan's funding table as CSV and XLSX: one row per intervention and a total row,
the same figures as the funding table page (``funding.selectors``), amounts in the plan's
base currency as exact decimals (CSV: plain digits with a point; XLSX: numbers shown with
the currency's decimals)."""

import io
import itertools
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Font

from action_plans.models import ActionPlan
from funding import selectors
from interventions.models import InterventionStatus
from msd_planner.lib import csv_stream
from msd_planner.lib.money import minor_digits, rounded_share

EXPORT_FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": csv_stream.CONTENT_TYPE,
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
BOLD = Font(bold=True)
MONEY_COLUMNS = (
    "cost",
    "identified",
    "pledged",
    "committed",
    "disbursed",
    "gap",
    "over_funded",
    "to_local_actors",
)


# Interventions read from the database at a time: the rows are written as they come,
# never all held.
ROWS_PER_READ = 500


@dataclass(frozen=True)
class Table:
    headers: list[str]
    # Read once, in the funding table's order: text, then Decimal amounts (None: no cost
    # estimate), then a share.
    rows: Iterator[list]
    total: list


def funding_table(plan: ActionPlan) -> Table:
    """The funding table of the plan: three queries, however many interventions (the
    codes of the targets and the total now, the rows as they are read)."""
    currency = plan.base_currency
    codes = selectors.addressed_target_codes(plan)
    headers = [
        _("Intervention"),
        _("Lead organisation"),
        _("Targets"),
        _("Status"),
        *(
            f"{label} ({currency})"
            for label in (
                _("Cost"),
                _("Identified"),
                _("Pledged"),
                _("Committed"),
                _("Disbursed"),
                _("Gap"),
                _("Over-funded"),
                _("To local actors"),
            )
        ),
        _("Local share of committed"),
    ]

    def cells(figures: selectors.Figures) -> list:
        return [
            *(getattr(figures, name) for name in MONEY_COLUMNS),
            figures.local_share_of_committed,
        ]

    statuses = {value: str(label) for value, label in InterventionStatus.choices}
    rows = (
        [
            row["title"],
            row["lead_organisation__name"],
            ", ".join(codes.get(row["pk"], [])),
            statuses[row["status"]],
            *cells(selectors.Figures.of(row)),
        ]
        for row in selectors.funding_rows(plan).iterator(chunk_size=ROWS_PER_READ)
    )
    total = [_("Whole plan"), "", "", "", *cells(selectors.plan_figures(plan))]
    return Table(headers, rows, total)


def csv_chunks(table: Table) -> Iterator[bytes]:
    """The table as CSV (``msd_planner.lib.csv_stream``), its total row last."""
    return csv_stream.csv_chunks(
        table.headers,
        ([*row[:-1], rounded_share(row[-1])] for row in itertools.chain(table.rows, [table.total])),
    )


def xlsx_bytes(table: Table, currency: str) -> bytes:
    """The table as a workbook, written row by row (openpyxl's write-only mode keeps no
    row once written): a bold header and total row, amounts shown with the currency's
    decimals, the share as a percentage, text kept as text (never a formula)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Funding")[:31])
    # What precedes the rows in the file: set before the first row is written.
    sheet.freeze_panes = "B2"
    sheet.column_dimensions["A"].width = 60
    places = minor_digits(currency)
    money_format = "#,##0" + ("." + "0" * places if places else "")
    formats = [None] * 4 + [money_format] * len(MONEY_COLUMNS) + ["0.0%"]  # A–D are text

    def cell(value, number_format: str | None = None, bold: bool = False) -> Cell:
        written = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):  # text stays text, never a formula
            written.data_type = "s"
        if number_format:
            written.number_format = number_format
        if bold:
            written.font = BOLD
        return written

    sheet.append([cell(header, bold=True) for header in table.headers])
    for row in table.rows:
        values = [*row[:-1], rounded_share(row[-1])]
        sheet.append([cell(value, shown) for value, shown in zip(values, formats, strict=True)])
    values = [*table.total[:-1], rounded_share(table.total[-1])]
    sheet.append(
        [cell(value, shown, bold=True) for value, shown in zip(values, formats, strict=True)]
    )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
