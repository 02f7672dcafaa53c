"""Interventions' chapter of the plan's annual report: where each indicator stood at the
end of the year by the on-track rule (``interventions.monitoring``), counted per
prioritised target with the monitoring page's chart, and each indicator's target and
approved value for the year. The report is published: each lead organisation is named as
it chose to be credited."""

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from action_plans.hooks import ReportChapter
from action_plans.models import ActionPlan
from governance.credit import organisation_credited
from interventions.monitoring import STATUS_LABELS, Actual, rule_in_words
from interventions.monitoring_chart import status_chart
from interventions.monitoring_figures import (
    STATUS_ORDER,
    AssessedIndicator,
    Rollup,
    plan_monitoring,
)


@dataclass(frozen=True)
class IndicatorRow:
    """One indicator as the report's table shows it for the year."""

    intervention: str
    assessed: AssessedIndicator
    target: Decimal | None  # the target set for the year
    value: Actual | None  # the latest approved value for the whole population in the year


def credited_leads(by_lead: list[Rollup]) -> list[Rollup]:
    """The counts per lead organisation as published material shows them: each lead
    named as it chose to be credited (anonymously: described, without its acronym), those
    not to be credited left out; in the order of the names shown."""
    shown = []
    for rollup in by_lead:
        name = organisation_credited(rollup.organisation) if rollup.organisation else rollup.name
        if name is not None:
            code = rollup.code if name == rollup.name else ""
            shown.append(replace(rollup, code=code, name=name))
    return sorted(shown, key=lambda rollup: rollup.name.lower())


def progress_context(plan: ActionPlan, year: int) -> dict[str, Any]:
    figures = plan_monitoring(plan, until=date(year, 12, 31))
    figures = replace(figures, by_lead=credited_leads(figures.by_lead))
    rows = [
        IndicatorRow(
            rollup.intervention.title,
            assessed,
            assessed.targets.get(year),
            assessed.by_year.get(year),
        )
        for rollup in figures.interventions
        for assessed in rollup.indicators
    ]
    return {
        "figures": figures,
        "rows": rows,
        "chart": status_chart(figures.by_target, figures.totals, chart_id="report-monitoring"),
        "statuses": [STATUS_LABELS[status] for status in STATUS_ORDER],
        "rule": rule_in_words(),
    }


CHAPTER = ReportChapter(
    anchor="progress",
    title=_("Progress of the indicators"),
    order=10,
    template="interventions/pdf/annual_progress.html",
    context=progress_context,
)
