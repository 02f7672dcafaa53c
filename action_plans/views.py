from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from action_plans import notifications, services, workflow
from action_plans.forms import ActionPlanForm, HistoryPageForm
from action_plans.history import history_areas, plan_change_authors, plan_change_log
from action_plans.hooks import PlanPage, no_plan_explanation, plan_page
from action_plans.models import PlanStatus
from action_plans.permissions import PlanAction, plan_for_user_or_404, require_plan_starter
from action_plans.selectors import plan_list
from msd_planner.lib.pagination import paginate
from msd_planner.lib.types import UserRequest
from msd_planner.lib.versioned_edit import VersionedEdit


@require_http_methods(["GET", "POST"])
@login_required
def home(request: HttpRequest) -> HttpResponse:
    columns, rows = plan_list(request.user)
    return render(
        request,
        "action_plans/home.html",
        {
            "columns": columns,
            "rows": rows,
            "no_plan_explanation": None if rows else no_plan_explanation(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan's dashboard: where it stands and the next step for this user, its
    readiness, the counts that matter, its versions and its latest changes."""
    access = plan_for_user_or_404(request.user, pk, PlanAction.VIEW)
    plan = access.plan
    readiness = workflow.plan_readiness(plan) if plan.status == PlanStatus.DRAFT else None
    return render(
        request,
        "action_plans/plan_detail.html",
        {
            **access.context,
            "next_step": workflow.next_step(plan, request.user, access.actions, readiness),
            "readiness": readiness,
            "facts": workflow.plan_facts_shown(plan, access.actions),
            "official": workflow.official_version(plan),
            "open_version": workflow.open_version(plan),
            "recent": workflow.recent_changes(plan),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def plan_create(request: UserRequest) -> HttpResponse:
    """Administrators open a plan; its lead body's coordinators then run it."""
    require_plan_starter(request.user)
    form = ActionPlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        plan = services.plan_create(actor=request.user, plan=form.save(commit=False))
        messages.success(request, _("Plan created. Next, set up who leads it."))
        return redirect(plan_page(PlanPage.SET_UP, plan))
    return render(request, "action_plans/plan_form.html", {"form": form, "plan": None})


@require_http_methods(["GET", "POST"])
@login_required
def plan_edit(request: UserRequest, pk: int) -> HttpResponse:
    access = plan_for_user_or_404(request.user, pk, PlanAction.CHANGE)
    edit = VersionedEdit(
        request, lambda data, plan: ActionPlanForm(data, instance=plan), access.plan
    )
    if edit.save(
        lambda form: services.plan_update(
            actor=request.user,
            plan=access.plan,
            expected_version=form.cleaned_data["version"],
            data=form.edited_values(),
        )
    ):
        messages.success(request, _("Plan saved."))
        return redirect("plan_detail", pk)
    return render(request, "action_plans/plan_form.html", {**access.context, **edit.context})


@require_http_methods(["GET", "POST"])
@login_required
def plan_history(request: HttpRequest, pk: int) -> HttpResponse:
    access = plan_for_user_or_404(request.user, pk, PlanAction.VIEW)
    authors = plan_change_authors(access.plan)
    form = HistoryPageForm(request.GET, areas=history_areas(), authors=authors)
    before = form.value("before")
    log = plan_change_log(
        access.plan, before=before, only=form.change_filter(), authors=dict(authors)
    )
    filters = form.filter_query()
    return render(
        request,
        "action_plans/plan_history.html",
        {
            **access.context,
            "form": form,
            "entries": log.entries,
            "older": log.older,
            "before": before,
            "latest_query": urlencode(filters),
            "older_query": urlencode({**filters, "before": log.older.isoformat()})
            if log.older
            else "",
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def notification_list(request: UserRequest) -> HttpResponse:
    """The user's notifications, the latest first; a POST marks them all read."""
    if request.method == "POST":
        notifications.mark_all_read(request.user)
        return redirect("notification_list")
    page = paginate(request, notifications.user_notifications(request.user))
    return render(request, "action_plans/notification_list.html", {"page": page})
