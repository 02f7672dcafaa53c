"""The plan's funding table as CSV and XLSX: one row per intervention and a total row,
the same figures as the funding table page (``funding.selectors``), amounts in the plan's
base currency as exact decimals (CSV: plain digits with a point; XLSX: numbers shown with
the currency's decimals)."""

import csv
import io
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from action_plans.models import ActionPlan
from funding import selectors
from msd_planner.lib.money import minor_digits, rounded_share

EXPORT_FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
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


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list]  # text, then Decimal amounts (None: no cost estimate), then a share
    total: list


def funding_table(plan: ActionPlan) -> Table:
    """The funding table of the plan: three queries, however many interventions."""
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

    rows = [
        [
            intervention.title,
            intervention.lead_organisation.name,
            ", ".join(codes.get(intervention.pk, [])),
            intervention.get_status_display(),
            *cells(selectors.Figures.of(intervention)),
        ]
        for intervention in selectors.interventions_with_figures(plan)
    ]
    total = [_("Whole plan"), "", "", "", *cells(selectors.plan_figures(plan))]
    return Table(headers, rows, total)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _plain(value) -> str:
    """A CSV cell: amounts as plain decimals; text that a spreadsheet would run as a
    formula (a title typed as "=HYPERLINK(…)") starts with an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_bytes(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.headers)
    for row in [*table.rows, table.total]:
        writer.writerow([_plain(value) for value in [*row[:-1], rounded_share(row[-1])]])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM lets Excel read UTF-8


def xlsx_bytes(table: Table, currency: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.worksheets[0]  # a new workbook's one sheet, the active one
    sheet.title = _("Funding")[:31]
    sheet.append(table.headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    places = minor_digits(currency)
    money_format = "#,##0" + ("." + "0" * places if places else "")
    first_money = 5  # columns A–D are text
    for row in [*table.rows, table.total]:
        sheet.append([*row[:-1], rounded_share(row[-1])])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):  # text stays text, never a formula
                cell.data_type = "s"
        for offset in range(len(MONEY_COLUMNS)):
            sheet.cell(sheet.max_row, first_money + offset).number_format = money_format
        sheet.cell(sheet.max_row, first_money + len(MONEY_COLUMNS)).number_format = "0.0%"
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "B2"
    sheet.column_dimensions["A"].width = 60
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
