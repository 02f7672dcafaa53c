"""The resource mobilisation plan: the interventions that need more, the largest gap
first, with their strategy and the partners to approach; and the log of engagements with
funding partners."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from action_plans.permissions import PlanAction, plan_for_user_or_404, plan_object_for_user_or_404
from funding import selectors, services
from funding.forms import EngagementForm
from funding.models import Engagement
from funding.rules import ENGAGEMENT_LOG, STRATEGY_EDIT, visible_organisations
from msd_planner.lib.pages import confirmation_page, remove_and_tell
from msd_planner.lib.pagination import paginate
from msd_planner.lib.types import UserRequest
from msd_planner.lib.versioned_edit import VersionedEdit

RECENT_ENGAGEMENTS = 5


@require_http_methods(["GET", "POST"])
@login_required
def mobilisation_plan(request: HttpRequest, pk: int) -> HttpResponse:
    access = plan_for_user_or_404(request.user, pk, PlanAction.VIEW)
    page = paginate(request, selectors.interventions_needing_funds(access.plan))
    return render(
        request,
        "funding/mobilisation_plan.html",
        {
            **access.context,
            "page": page,
            "rows": [
                (
                    intervention,
                    selectors.Figures.of(intervention),
                    selectors.strategy_of(intervention),
                    access.may_on(STRATEGY_EDIT, intervention),
                )
                for intervention in page.object_list
            ],
            "figures": selectors.plan_figures(access.plan),
            "engagements": selectors.latest_engagements(access.plan, count=RECENT_ENGAGEMENTS),
            "may_log": access.may(PlanAction.MOBILISE_RESOURCES),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def engagement_list(request: HttpRequest, pk: int) -> HttpResponse:
    access = plan_for_user_or_404(request.user, pk, PlanAction.VIEW)
    return render(
        request,
        "funding/engagement_list.html",
        {
            **access.context,
            "page": paginate(request, selectors.plan_engagements(access.plan)),
            "may_log": access.may(PlanAction.MOBILISE_RESOURCES),
        },
    )


def _form_page(request, access, edit, engagement=None):
    return render(
        request,
        "funding/engagement_form.html",
        {**access.context, **edit.context, "engagement": engagement},
    )


@require_http_methods(["GET", "POST"])
@login_required
def engagement_create(request: UserRequest, pk: int) -> HttpResponse:
    access = plan_for_user_or_404(request.user, pk, ENGAGEMENT_LOG)
    edit = VersionedEdit(
        request,
        lambda data, _current: EngagementForm(
            data,
            instance=Engagement(plan=access.plan),
            plan=access.plan,
            organisations=visible_organisations(request.user),
        ),
    )
    if edit.save(
        lambda form: services.engagement_create(
            actor=request.user,
            plan=access.plan,
            engagement=form.save(commit=False),
            interventions=list(form.cleaned_data["interventions"]),
        )
    ):
        messages.success(
            request, _("Engagement with %(partner)s saved.") % {"partner": edit.result.partner}
        )
        return redirect("engagement_list", pk)
    return _form_page(request, access, edit)


def _engagement(request, pk, engagement_pk):
    return plan_object_for_user_or_404(
        request.user,
        pk,
        selectors.engagements_with_partner(),
        engagement_pk,
        ENGAGEMENT_LOG,
    )


@require_http_methods(["GET", "POST"])
@login_required
def engagement_edit(request: UserRequest, pk: int, engagement_pk: int) -> HttpResponse:
    access = _engagement(request, pk, engagement_pk)
    engagement = access.object
    edit = VersionedEdit(
        request,
        lambda data, current: EngagementForm(
            data,
            instance=current,
            plan=access.plan,
            organisations=visible_organisations(request.user, current.partner_id),
        ),
        engagement,
    )
    if edit.save(
        lambda form: services.engagement_update(
            actor=request.user,
            engagement=engagement,
            expected_version=form.cleaned_data["version"],
            data=form.edited_values(),
        )
    ):
        messages.success(
            request,
            _("Engagement with %(partner)s saved.") % {"partner": edit.result.instance.partner},
        )
        return redirect("engagement_list", pk)
    return _form_page(request, access, edit, engagement)


@require_http_methods(["GET", "POST"])
@login_required
def engagement_remove(request: UserRequest, pk: int, engagement_pk: int) -> HttpResponse:
    access = _engagement(request, pk, engagement_pk)
    engagement = access.object
    if request.method == "POST":
        remove_and_tell(
            request,
            lambda: services.engagement_remove(actor=request.user, engagement=engagement),
            done=_("Engagement with %(partner)s removed.") % {"partner": engagement.partner},
        )
        return redirect("engagement_list", pk)
    return confirmation_page(
        request,
        access.context,
        title=_("Remove the engagement with %(partner)s?") % {"partner": engagement.partner},
        consequences=[_("The removal stays in the plan's history.")],
        button=_("Remove engagement"),
        cancel_url=reverse("engagement_list", args=[pk]),
    )
