"""A plan's approved progress values in the flat form national statistical systems send
to the global SDG database (UNSD's SDMX-like CSV): one row per indicator of an
intervention that measures an official SDG indicator, per year and per disaggregation.
Columns and code lists: docs/architecture.md, "Approved values for the SDG database".

Only approved values count. National indicators (no official code) are left out: the
global database has no series for them. A year's value is the value of its latest
quarter with an approved value (the year as last measured), not a sum or a mean: the
indicators are levels and rates more often than counts of the quarter.
"""

from collections.abc import Iterator

from django.db.models import Case, F, IntegerField, QuerySet, Value, When
from django.db.models.functions import Coalesce

from action_plans.models import ActionPlan
from interventions.models import TOTAL, Progress, ProgressStatus

HEADERS = [
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
# UNSD's nature of data: "C", country data, produced and reported by the country. The
# values are the reporting organisations' own, unadjusted; each row's Source says where
# its value comes from.
COUNTRY_DATA = "C"
DISAGGREGATIONS = ("sex", "age", "migratory_status")
# Values read from the database at a time: the rows are written as they come.
ROWS_PER_READ = 500


def _total_first(field: str) -> Case:
    return Case(
        When(**{field: TOTAL}, then=Value(0)), default=Value(1), output_field=IntegerField()
    )


def sdg_values(plan: ActionPlan, *, year: int | None = None) -> QuerySet[Progress]:
    """The plan's approved values of indicators measuring an official SDG indicator, one
    per indicator, year and disaggregation (the latest quarter's), in the catalogue's
    order, then by intervention, year and disaggregation (totals first). One query."""
    approved = Progress.objects.filter(
        indicator__intervention__plan=plan,
        indicator__sdg_indicator__isnull=False,
        status=ProgressStatus.APPROVED,
    )
    if year is not None:
        approved = approved.filter(period_year=year)
    # PostgreSQL's DISTINCT ON keeps the first row of each group in this order: the
    # latest quarter of the year.
    latest_of_each_year = (
        approved.order_by("indicator_id", "period_year", *DISAGGREGATIONS, "-period_quarter", "-pk")
        .distinct("indicator_id", "period_year", *DISAGGREGATIONS)
        .values("pk")
    )
    return (
        Progress.objects.filter(pk__in=latest_of_each_year)
        .annotate(
            goal=F("indicator__sdg_indicator__target__goal__number"),
            target_code=F("indicator__sdg_indicator__target__code"),
            indicator_code=F("indicator__sdg_indicator__code"),
            # the official (English) wording, as the global database publishes it
            series_description=F("indicator__sdg_indicator__title_en"),
            units=F("indicator__unit"),
            # the organisation that reports on the indicator; where none is named, the
            # intervention's lead reports (``PROGRESS_RECORD``)
            reported_by=Coalesce(
                "indicator__reporting_organisation__name",
                "indicator__intervention__lead_organisation__name",
            ),
            intervention_title=F("indicator__intervention__title"),
        )
        .order_by(
            "indicator__sdg_indicator__position",
            "indicator__intervention__title",
            "indicator_id",
            "period_year",
            *(
                expression
                for field in DISAGGREGATIONS
                for expression in (_total_first(field), field)
            ),
        )
    )


def sdg_rows(plan: ActionPlan, *, year: int | None = None) -> Iterator[list]:
    """The CSV's rows in the order of ``HEADERS``, read as they are written."""
    fields = [
        "goal",
        "target_code",
        "indicator_code",
        "series_description",
        "period_year",
        "value",
        "units",
        *DISAGGREGATIONS,
        "source",
        "reported_by",
        "intervention_title",
    ]
    for row in sdg_values(plan, year=year).values_list(*fields).iterator(chunk_size=ROWS_PER_READ):
        value = row[5].normalize()  # stored with four decimals: 38.5, not 38.5000
        yield [*row[:5], value, *row[6:11], COUNTRY_DATA, *row[11:], plan.title, plan.level]
