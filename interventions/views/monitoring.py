"""The monitoring page of a plan: whether each indicator is on track, by the rule written
once in ``interventions.monitoring``, rolled up per intervention, per prioritised target
and per lead organisation. Whoever sees the plan sees it."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseNotAllowed
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from action_plans.derived import derived
from action_plans.permissions import PlanAction, plan_for_user_or_404
from interventions.monitoring import STATUS_LABELS, rule_in_words
from interventions.monitoring_chart import status_chart
from interventions.monitoring_figures import STATUS_ORDER, plan_monitoring
from msd_planner.lib.pagination import paginate
from msd_planner.lib.types import UserRequest


@require_http_methods(["GET", "POST"])
@login_required
def monitoring(request: UserRequest, pk: int) -> HttpResponseBase:
    if request.method != "GET":  # a report; signed out, the sign-in page comes first
        return HttpResponseNotAllowed(["GET"])
    access = plan_for_user_or_404(request.user, pk, PlanAction.VIEW)
    # computed once per content revision: approving a value locks the plan's row
    figures = derived(access.plan, "monitoring", plan_monitoring)
    return render(
        request,
        "interventions/monitoring.html",
        {
            **access.context,
            "figures": figures,
            "chart": status_chart(figures.by_target, figures.totals, chart_id="monitoring-chart"),
            "statuses": [STATUS_LABELS[status] for status in STATUS_ORDER],
            "rule": rule_in_words(),
            # the interventions with their indicators, a page at a time; the counts above
            # are the whole plan's
            "page": paginate(request, figures.interventions),
        },
    )
