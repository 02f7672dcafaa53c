"""The plan's funding at a glance: the overview with its charts, the table per
intervention, and its export as CSV and XLSX."""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotAllowed,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from action_plans.derived import derived
from action_plans.models import ActionPlan
from action_plans.permissions import PlanAction, plan_for_user_or_404
from funding import charts, exports, selectors
from funding.forms import FundingTableForm
from msd_planner.lib.charts import Chart
from msd_planner.lib.pagination import paginate, query_without


@require_http_methods(["GET", "POST"])
@login_required
def funding_overview(request: HttpRequest, pk: int) -> HttpResponse:
    access = plan_for_user_or_404(request.user, pk, PlanAction.VIEW)
    shown = derived(access.plan, "funding_overview", _overview_shown)
    overview = shown.figures
    return render(
        request,
        "funding/overview.html",
        {
            **access.context,
            "figures": overview.figures,
            "by_target": overview.by_target,
            "by_kind": overview.by_kind,
            # The lead organisations a page at a time: a plan may have hundreds.
            "page": paginate(request, overview.by_lead),
            "recipients": overview.recipients,
            "not_shown": overview.not_shown,
            "target_chart": shown.target_chart,
            "mix_chart": shown.mix_chart,
            "localisation_chart": shown.localisation_chart,
            "localisation_standing": shown.localisation_standing,
            "may_record": access.may_edit(PlanAction.CONTRIBUTE),
            "may_set_target": access.may_edit(PlanAction.MOBILISE_RESOURCES),
        },
    )


@dataclass(frozen=True)
class OverviewShown:
    """The funding overview's figures and charts, as the page shows them in one language."""

    figures: selectors.OverviewFigures
    target_chart: Chart
    mix_chart: Chart
    localisation_chart: Chart
    localisation_standing: list[str]  # each share against its target, in words


def _overview_shown(plan: ActionPlan) -> OverviewShown:
    """Computed once per content revision of the plan and language (``derived``)."""
    overview = selectors.overview_figures(plan)
    currency = plan.base_currency
    targets = selectors.localisation_targets(plan)
    return OverviewShown(
        overview,
        charts.target_funding_chart(overview.by_target, currency),
        charts.funding_mix_chart(overview.by_kind, currency),
        charts.localisation_chart(overview.figures, currency, targets=targets),
        charts.target_sentences(overview.figures, targets),
    )


@require_http_methods(["GET", "POST"])
@login_required
def funding_table(request: HttpRequest, pk: int) -> HttpResponse:
    access = plan_for_user_or_404(request.user, pk, PlanAction.VIEW)
    sort = FundingTableForm(request.GET or None).ordering()
    page = paginate(request, selectors.interventions_with_figures(access.plan, sort=sort))
    codes = selectors.addressed_target_codes(access.plan)
    return render(
        request,
        "funding/table.html",
        {
            **access.context,
            "page": page,
            "rows": [
                (intervention, selectors.Figures.of(intervention), codes.get(intervention.pk, []))
                for intervention in page.object_list
            ],
            "figures": selectors.plan_figures(access.plan),
            "sort": sort,
            "filter_query": query_without(request.GET, "sort", "page"),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def funding_export(request: HttpRequest, pk: int, file_format: str) -> HttpResponseBase:
    if request.method != "GET":  # a download; signed out, the sign-in page comes first
        return HttpResponseNotAllowed(["GET"])
    access = plan_for_user_or_404(request.user, pk, PlanAction.VIEW)
    if file_format not in exports.EXPORT_FORMATS:
        raise Http404
    table = exports.funding_table(access.plan)
    response: HttpResponseBase
    if file_format == "csv":  # sent as its rows are read
        response = StreamingHttpResponse(
            exports.csv_chunks(table), content_type=exports.CONTENT_TYPES[file_format]
        )
    else:
        response = HttpResponse(
            exports.xlsx_bytes(table, access.plan.base_currency),
            content_type=exports.CONTENT_TYPES[file_format],
        )
    response["Content-Disposition"] = (
        f'attachment; filename="funding-plan-{access.plan.pk}.{file_format}"'
    )
    return response
