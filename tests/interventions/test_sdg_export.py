"""The plan's approved progress values as CSV for the global SDG database, through real
requests (and the management command): only approved values of indicators that measure
an official SDG indicator, a row per year and disaggregation (the year's latest quarter),
the documented columns and codes, a year filter, text that cannot run as a formula, and
a query count that does not grow with the values."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from interventions.models import Intervention, Progress, ProgressStatus, ResultIndicator
from targets.models import Indicator
from tests.interventions.test_results import _client

pytestmark = pytest.mark.usefixtures("catalogue")

HEADER = [
    "Goal",
    "Target",
    "Indicator",
    "SeriesDescription",
    "TimePeriod",
    "Value",
    "Units",
    "Sex",
    "Age",
    "MigratoryStatus",
    "Source",
    "Nature",
    "ReportingOrganisation",
    "Intervention",
    "Plan",
    "PlanLevel",
]
RECRUITMENT_COST = (
    "Recruitment cost borne by employee as a proportion of monthly income earned in "
    "country of destination"
)
INJURIES = (
    "Fatal and non-fatal occupational injuries per 100,000 workers, by sex and migrant status"
)


def _intervention(cast, title="Fair recruitment") -> Intervention:
    return Intervention.objects.create(
        plan=cast.plan_a,
        title=title,
        level="programme",
        sector="labour",
        lead_organisation=cast.ministry_x,
    )


def _indicator(intervention, code: str | None, **values) -> ResultIndicator:
    return ResultIndicator.objects.create(
        intervention=intervention,
        sdg_indicator=Indicator.objects.get(code=code) if code else None,
        **{"unit": "%", "by_sex": True, "by_migratory_status": True, **values},
    )


def _value(indicator, year, quarter, value, *, status=ProgressStatus.APPROVED, **values):
    return Progress.objects.create(
        indicator=indicator,
        measured_on=date(year, quarter * 3, 15),
        period_year=year,
        period_quarter=quarter,
        value=Decimal(value),
        status=status,
        review_comment="Check the survey" if status == ProgressStatus.RETURNED else "",
        **{"source": "Labour force survey", **values},
    )


def _download(cast, role="viewer_x", **query):
    response = _client(cast, role).get(reverse("sdg_values_export", args=[cast.plan_a.pk]), query)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    content = b"".join(response.streaming_content)
    assert content.startswith("\ufeff".encode())  # Excel reads it as UTF-8
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def _row(cast, *cells, organisation="Ministry of Labour", intervention="Fair recruitment"):
    """A row of plan A as documented: the catalogue's codes and wording, then ours."""
    *sdg, source = cells
    return [*sdg, source, "C", organisation, intervention, cast.plan_a.title, "national"]


def test_the_rows_are_the_approved_values_a_year_by_disaggregation(cast):
    intervention = _intervention(cast)
    recruitment = _indicator(intervention, "10.7.1", reporting_organisation=cast.statistics_office)
    _value(recruitment, 2026, 1, "40")
    _value(recruitment, 2026, 3, "38.5")  # the year's latest quarter: the year's value
    _value(recruitment, 2026, 3, "41", sex="F")
    _value(recruitment, 2026, 3, "36", sex="M", migratory_status="MIGRANT")
    _value(recruitment, 2027, 1, "35")
    _value(recruitment, 2027, 2, "99", status=ProgressStatus.SUBMITTED)
    _value(recruitment, 2027, 3, "77", status=ProgressStatus.RETURNED)
    _value(recruitment, 2027, 1, "88", sex="F", status=ProgressStatus.SUBMITTED)
    injuries = _indicator(intervention, "8.8.1", unit="per 100,000 workers", by_sex=False)
    _value(injuries, 2026, 4, "1200", source="Labour inspectorate")
    national = _indicator(intervention, None, name="Recruiters licensed")
    _value(national, 2026, 4, "12")

    rows = _download(cast)

    office = cast.statistics_office.name
    assert rows == [
        HEADER,
        # the catalogue's order: 8.8.1 before 10.7.1; totals first within a year
        _row(
            cast,
            *("8", "8.8", "8.8.1", INJURIES, "2026", "1200", "per 100,000 workers"),
            *("_T", "_T", "_T", "Labour inspectorate"),
        ),
        _row(
            cast,
            *("10", "10.7", "10.7.1", RECRUITMENT_COST, "2026", "38.5", "%"),
            *("_T", "_T", "_T", "Labour force survey"),
            organisation=office,
        ),
        _row(
            cast,
            *("10", "10.7", "10.7.1", RECRUITMENT_COST, "2026", "41", "%"),
            *("F", "_T", "_T", "Labour force survey"),
            organisation=office,
        ),
        _row(
            cast,
            *("10", "10.7", "10.7.1", RECRUITMENT_COST, "2026", "36", "%"),
            *("M", "_T", "MIGRANT", "Labour force survey"),
            organisation=office,
        ),
        _row(
            cast,
            *("10", "10.7", "10.7.1", RECRUITMENT_COST, "2027", "35", "%"),
            *("_T", "_T", "_T", "Labour force survey"),
            organisation=office,
        ),
    ]


def test_a_year_keeps_that_years_values_and_a_bad_year_is_refused(cast):
    recruitment = _indicator(_intervention(cast), "10.7.1")
    _value(recruitment, 2026, 2, "40")
    _value(recruitment, 2027, 2, "35")

    rows = _download(cast, year="2027")

    assert [(row[4], row[5]) for row in rows[1:]] == [("2027", "35")]
    url = reverse("sdg_values_export", args=[cast.plan_a.pk])
    for year in ("1999", "twenty", "2026.5"):
        assert _client(cast, "viewer_x").get(url, {"year": year}).status_code == 400


def test_a_plan_without_approved_values_gives_the_header_alone(cast):
    recruitment = _indicator(_intervention(cast), "10.7.1")
    _value(recruitment, 2026, 2, "40", status=ProgressStatus.SUBMITTED)

    assert _download(cast) == [HEADER]


def test_another_plans_values_are_not_in_it(cast):
    other = Intervention.objects.create(
        plan=cast.plan_b,
        title="Elsewhere",
        level="programme",
        sector="labour",
        lead_organisation=cast.ministry_x,
    )
    _value(_indicator(other, "10.7.1"), 2026, 2, "40")

    assert _download(cast) == [HEADER]


def test_text_that_a_spreadsheet_would_run_as_a_formula_is_kept_as_text(cast):
    recruitment = _indicator(_intervention(cast, title="@SUM(A1)"), "10.7.1")
    _value(recruitment, 2026, 2, "40", source='=HYPERLINK("http://evil.example","x")')

    row = _download(cast)[1]

    assert row[10] == '\'=HYPERLINK("http://evil.example","x")'
    assert row[13] == "'@SUM(A1)"


def _values(cast, interventions: int, indicators: int, years: int) -> None:
    for number in range(interventions):
        intervention = _intervention(cast, title=f"Intervention {number}")
        for code in ("10.7.1", "8.8.1", "5.5.2")[:indicators]:
            indicator = _indicator(intervention, code)
            for year in range(2026, 2026 + years):
                _value(indicator, year, 1, "10")
                _value(indicator, year, 2, "12", sex="F")


def _queries_of_a_download(cast) -> tuple[int, int]:
    client = _client(cast, "viewer_x")
    url = reverse("sdg_values_export", args=[cast.plan_a.pk])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        rows = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    return len(queries), len(rows) - 1


def test_the_query_count_does_not_grow_with_the_values(cast):
    _values(cast, interventions=1, indicators=1, years=1)
    few, few_rows = _queries_of_a_download(cast)
    _values(cast, interventions=8, indicators=3, years=5)
    many, many_rows = _queries_of_a_download(cast)

    assert (few_rows, many_rows) == (2, 2 + 8 * 3 * 5 * 2)
    assert many == few


def test_the_command_writes_the_same_csv(cast):
    recruitment = _indicator(_intervention(cast), "10.7.1")
    _value(recruitment, 2026, 2, "40")
    _value(recruitment, 2027, 2, "35")
    out = io.StringIO()

    call_command("export_sdg_values", str(cast.plan_a.pk), "--year", "2026", stdout=out)

    rows = list(csv.reader(io.StringIO(out.getvalue().removeprefix("\ufeff"))))
    assert rows == _download(cast, year="2026")
    assert [(row[4], row[5]) for row in rows[1:]] == [("2026", "40")]
    with pytest.raises(CommandError):
        call_command("export_sdg_values", "0", stdout=io.StringIO())


def test_the_interventions_page_links_to_it_and_says_what_is_left_out(cast):
    response = _client(cast, "viewer_x").get(reverse("intervention_list", args=[cast.plan_a.pk]))

    page = response.content.decode()
    assert reverse("sdg_values_export", args=[cast.plan_a.pk]) in page
    assert "national indicators are not in it" in page
