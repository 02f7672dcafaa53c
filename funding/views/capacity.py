"""The capacity-strengthening needs of local actors (the localisation pledge): stated by
each local actor, addressed by the plan's interventions, listed as met or unmet."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from action_plans.permissions import (
    PlanAccess,
    PlanAction,
    PlanObjectAccess,
    plan_for_user_or_404,
    plan_object_for_user_or_404,
)
from funding import selectors, services
from funding.forms import CapacityNeedAddressingForm, CapacityNeedForm
from funding.models import CapacityNeed
from funding.rules import (
    CAPACITY_NEED_ADDRESS,
    CAPACITY_NEED_STATE,
    local_actors_spoken_for,
    may_record_needs,
    may_state_need,
    need_organisation_choices,
    need_recording_offered,
)
from msd_planner.lib.errors import ActionRefused
from msd_planner.lib.pages import confirmation_page, remove_and_tell
from msd_planner.lib.pagination import paginate
from msd_planner.lib.types import UserRequest
from msd_planner.lib.versioned_edit import VersionedEdit

SHOWN = (selectors.NEEDS_ALL, selectors.NEEDS_UNMET, selectors.NEEDS_MET)


@require_http_methods(["GET", "POST"])
@login_required
def capacity_need_list(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    access = plan_for_user_or_404(request.user, pk, PlanAction.VIEW)
    shown = request.GET.get("show", selectors.NEEDS_ALL)
    if shown not in SHOWN:
        shown = selectors.NEEDS_ALL
    page = paginate(request, selectors.capacity_needs(access.plan, shown))
    spoken_for = local_actors_spoken_for(request.user, access.plan)
    may_address = access.may(CAPACITY_NEED_ADDRESS.action)
    return render(
        request,
        "funding/capacity_need_list.html",
        {
            **access.context,
            "page": page,
            "shown": shown,
            "counts": selectors.capacity_need_counts(access.plan),
            "rows": [
                (need, may_state_need(access.actions, spoken_for, need), may_address)
                for need in page.object_list
            ],
            "may_record": need_recording_offered(access.plan, access.actions, spoken_for),
        },
    )


def _refused_unless(allowed: bool, description: str) -> None:
    if not allowed:
        raise ActionRefused(CAPACITY_NEED_STATE.name, description)


def _form_page(request, access: PlanAccess, edit, need=None) -> HttpResponse:
    return render(
        request,
        "funding/capacity_need_form.html",
        {**access.context, **edit.context, "need": need},
    )


@require_http_methods(["GET", "POST"])
@login_required
def capacity_need_create(request: UserRequest, pk: int) -> HttpResponse:
    access = plan_for_user_or_404(request.user, pk, PlanAction.VIEW)
    spoken_for = local_actors_spoken_for(request.user, access.plan)
    organisations = need_organisation_choices(access.plan, access.actions, spoken_for)
    _refused_unless(may_record_needs(access.actions, spoken_for), f"plan {pk} capacity needs")
    edit = VersionedEdit(
        request,
        lambda data, _current: CapacityNeedForm(
            data,
            instance=CapacityNeed(plan=access.plan),
            plan=access.plan,
            organisations=organisations,
            initial={"organisation": next(iter(spoken_for))} if len(spoken_for) == 1 else None,
        ),
    )
    if edit.save(
        lambda form: services.capacity_need_create(
            actor=request.user, plan=access.plan, need=form.save(commit=False)
        )
    ):
        messages.success(request, _("Need “%(what)s” recorded.") % {"what": edit.result.what})
        return redirect("capacity_need_list", pk)
    return _form_page(request, access, edit)


def _need(request, pk: int, need_pk: int) -> PlanObjectAccess[CapacityNeed]:
    """The need, for one who may record, change and remove it (whatever the plan's
    status: needs are the living plan's)."""
    access = plan_object_for_user_or_404(
        request.user, pk, selectors.needs_with_organisation(), need_pk, PlanAction.VIEW
    )
    spoken_for = local_actors_spoken_for(request.user, access.plan)
    _refused_unless(
        may_state_need(access.actions, spoken_for, access.object), f"capacityneed {need_pk}"
    )
    return access


@require_http_methods(["GET", "POST"])
@login_required
def capacity_need_edit(request: UserRequest, pk: int, need_pk: int) -> HttpResponse:
    access = _need(request, pk, need_pk)
    need = access.object
    spoken_for = local_actors_spoken_for(request.user, access.plan)
    organisations = need_organisation_choices(
        access.plan, access.actions, spoken_for, also=need.organisation_id
    )
    edit = VersionedEdit(
        request,
        lambda data, current: CapacityNeedForm(
            data, instance=current, plan=access.plan, organisations=organisations
        ),
        need,
    )
    if edit.save(
        lambda form: services.capacity_need_update(
            actor=request.user,
            need=need,
            expected_version=form.cleaned_data["version"],
            data=form.edited_values(),
        )
    ):
        messages.success(request, _("Need “%(what)s” saved.") % {"what": edit.result.instance.what})
        return redirect("capacity_need_list", pk)
    return _form_page(request, access, edit, need)


@require_http_methods(["GET", "POST"])
@login_required
def capacity_need_remove(request: UserRequest, pk: int, need_pk: int) -> HttpResponse:
    access = _need(request, pk, need_pk)
    need = access.object
    if request.method == "POST":
        remove_and_tell(
            request,
            lambda: services.capacity_need_remove(actor=request.user, need=need),
            done=_("Need “%(what)s” removed.") % {"what": need.what},
        )
        return redirect("capacity_need_list", pk)
    return confirmation_page(
        request,
        access.context,
        title=_("Remove the need “%(what)s” of %(organisation)s?")
        % {"what": need.what, "organisation": need.organisation},
        consequences=[
            _("It no longer shows among the plan's capacity-strengthening needs."),
            _("The removal stays in the plan's history."),
        ],
        button=_("Remove need"),
        cancel_url=reverse("capacity_need_list", args=[pk]),
    )


@require_http_methods(["GET", "POST"])
@login_required
def capacity_need_addressing(request: UserRequest, pk: int, need_pk: int) -> HttpResponse:
    access = plan_object_for_user_or_404(
        request.user, pk, selectors.needs_with_organisation(), need_pk, CAPACITY_NEED_ADDRESS
    )
    need = access.object
    edit = VersionedEdit(
        request,
        lambda data, current: CapacityNeedAddressingForm(
            data,
            instance=current,
            plan=access.plan,
            interventions=selectors.interventions_for_addressing(access.plan),
        ),
        need,
    )
    if edit.save(
        lambda form: services.capacity_need_address(
            actor=request.user,
            need=need,
            expected_version=form.cleaned_data["version"],
            interventions=list(form.cleaned_data["addressed_by"]),
        )
    ):
        messages.success(
            request,
            _("Interventions addressing “%(what)s” saved.") % {"what": edit.result.instance.what},
        )
        return redirect("capacity_need_list", pk)
    return render(
        request,
        "funding/capacity_need_addressing.html",
        {**access.context, **edit.context, "need": need},
    )
