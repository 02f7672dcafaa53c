"""Funding's chapter of the plan's annual report: the money committed and disbursed (in
all and per prioritised target and lead organisation, with the funding pages' charts), and
the share reaching local actors against the plan's target, as recorded when the report is
made (a commitment keeps its amount disbursed to date, not a dated series); and the local
actors' capacity-strengthening needs, met or not. The report is published: each
organisation is named as it chose to be credited."""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from action_plans.hooks import ReportChapter
from action_plans.models import ActionPlan
from funding import charts, selectors
from funding.document import TARGETS_PER_CHART
from funding.models import CapacityNeed
from funding.selectors import Row
from governance.credit import organisation_credited
from governance.models import Organisation
from msd_planner.lib.money import share


@dataclass(frozen=True)
class CreditedNeed:
    """A capacity need as published material shows it: its organisation named as it chose
    to be credited (None: not to be credited; the need is the plan's all the same)."""

    organisation: str | None
    need: CapacityNeed


def credited_leads(rows: list[Row[Organisation]]) -> list[Row[str]]:
    """The figures per lead organisation, each lead named as it chose to be credited,
    those not to be credited left out; in the order of the names shown."""
    named = ((organisation_credited(row.subject), row.figures) for row in rows)
    return sorted(
        (Row(name, figures) for name, figures in named if name is not None),
        key=lambda row: row.subject.lower(),
    )


def funding_context(plan: ActionPlan, year: int) -> dict[str, Any]:
    overview = selectors.overview_figures(plan)
    targets = selectors.localisation_targets(plan)
    currency = plan.base_currency
    return {
        "currency": currency,
        "figures": overview.figures,
        "disbursed_share": share(overview.figures.disbursed, overview.figures.committed),
        "by_target": overview.by_target,
        "by_lead": credited_leads(overview.by_lead),
        "localisation_standing": charts.target_sentences(overview.figures, targets),
        "needs": [
            CreditedNeed(organisation_credited(need.organisation), need)
            for need in selectors.capacity_needs(plan)
        ],
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
