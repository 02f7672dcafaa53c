from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from action_plans.permissions import PlanAction, get_plan_for_user_or_404
from action_plans.selectors import plans_visible_to


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "action_plans/home.html", {"plans": plans_visible_to(request.user)})


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user_or_404(request.user, pk, PlanAction.VIEW)
    return render(request, "action_plans/plan_detail.html", {"plan": plan})
