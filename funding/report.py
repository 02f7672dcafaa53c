"""Funding's chapter of the plan's annual report: the money committed and disbursed (in
all and per prioritised target and lead organisation, with the funding pages' charts), and
the share reaching local actors against the plan's target, as recorded when the report is
made (a commitment keeps its amount disbursed to date, not a dated series); and the local
actors' capacity-strengthening needs, met or not."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from action_plans.hooks import ReportChapter
from action_plans.models import ActionPlan
from funding import charts, selectors
from funding.document import TARGETS_PER_CHART
from msd_planner.lib.money import share


def funding_context(plan: ActionPlan, year: int) -> dict[str, Any]:
    overview = selectors.overview_figures(plan)
    targets = selectors.localisation_targets(plan)
    currency = plan.base_currency
    return {
        "currency": currency,
        "figures": overview.figures,
        "disbursed_share": share(overview.figures.disbursed, overview.figures.committed),
        "by_target": overview.by_target,
        "by_lead": overview.by_lead,
        "localisation_standing": charts.target_sentences(overview.figures, targets),
        "needs": list(selectors.capacity_needs(plan)),
        "charts": [
            *charts.target_funding_charts(
                overview.by_target,
                currency,
                chart_id="report-target-funding",
                per_chart=TARGETS_PER_CHART,
            ),
            charts.localisation_chart(
                overview.figures, currency, targets=targets, chart_id="report-localisation"
            ),
        ],
    }


CHAPTER = ReportChapter(
    anchor="funding",
    title=_("Money committed and disbursed"),
    order=20,
    template="funding/pdf/annual_funding.html",
    context=funding_context,
)
