from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from action_plans import services
from action_plans.forms import ActionPlanForm
from action_plans.history import plan_change_log
from action_plans.permissions import PlanAction, get_plan_for_user_or_404
from action_plans.selectors import plans_visible_to
from governance.permissions import require_account_administrator
from msd_planner.lib.concurrency import EditConflict, form_after_conflict, saved_values


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "action_plans/home.html", {"plans": plans_visible_to(request.user)})


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user_or_404(request.user, pk, PlanAction.VIEW)
    return render(request, "action_plans/plan_detail.html", {"plan": plan})


@login_required
def plan_create(request: HttpRequest) -> HttpResponse:
    """Administrators open a plan; its lead body's coordinators then run it."""
    require_account_administrator(request.user)
    form = ActionPlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        plan = services.plan_create(actor=request.user, plan=form.save(commit=False))
        messages.success(request, _("Plan created. Next, set up who leads it."))
        return redirect("lead_arrangement_edit", plan.pk)
    return render(request, "action_plans/plan_form.html", {"form": form, "plan": None})


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user_or_404(request.user, pk, PlanAction.CHANGE)
    form = ActionPlanForm(request.POST or None, instance=plan)
    saved = None
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(
                actor=request.user,
                plan=plan,
                expected_version=form.cleaned_data["version"] or 0,
                changes=form.changes(),
            )
        except EditConflict as conflict:
            form = form_after_conflict(
                lambda data, instance: ActionPlanForm(data, instance=instance),
                request.POST,
                conflict,
            )
            saved = saved_values(form, conflict.current)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Plan saved."))
            return redirect("plan_detail", plan.pk)
    return render(
        request, "action_plans/plan_form.html", {"form": form, "plan": plan, "saved_values": saved}
    )


@login_required
def plan_history(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user_or_404(request.user, pk, PlanAction.VIEW)
    return render(
        request, "action_plans/plan_history.html", {"plan": plan, "entries": plan_change_log(plan)}
    )
