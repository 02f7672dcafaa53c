"""The results framework of an intervention: indicators with their target values per
year, and progress recorded per period.

The intervention is fetched and authorised first (its lead organisation's editors and
coordinators, and those who lead intervention design, change its indicators); an
indicator is then looked up among that intervention's only, and progress among the
indicator's. Progress is also recorded by those who lead monitoring and by the
indicator's reporting organisation (``PROGRESS_RECORD``).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from action_plans.permissions import PlanAction, PlanObjectAccess, plan_object_for_user_or_404
from interventions import selectors, services
from interventions.models import Intervention, ResultIndicator
from interventions.result_forms import ProgressForm, ResultIndicatorForm
from interventions.rules import INTERVENTION_EDIT, PROGRESS_RECORD
from msd_planner.lib.pages import confirmation_page, remove_and_tell
from msd_planner.lib.types import UserRequest
from msd_planner.lib.versioned_edit import VersionedEdit, add_service_error


def _intervention(request, pk: int, intervention_pk: int, action) -> PlanObjectAccess:
    return plan_object_for_user_or_404(
        request.user, pk, selectors.interventions_for_results(), intervention_pk, action
    )


def _indicator(
    request, pk: int, intervention: Intervention, indicator_pk: int, action
) -> PlanObjectAccess[ResultIndicator]:
    """One of the intervention's indicators (another's is not found), authorised by
    ``action``; it reads its intervention (and plan) as already fetched."""
    access = plan_object_for_user_or_404(
        request.user,
        pk,
        selectors.indicators_of(intervention),
        indicator_pk,
        action,
        plan_field="intervention__plan",
    )
    access.object.intervention = intervention
    return access


def _results_url(pk: int, intervention: Intervention) -> str:
    return reverse("intervention_detail", args=[pk, intervention.pk]) + "#results"


def _form_page(request, access, edit: VersionedEdit, intervention, indicator=None):
    return render(
        request,
        "interventions/result_indicator_form.html",
        {
            **access.context,
            **edit.context,
            "intervention": intervention,
            "indicator": indicator,
            "timeline": services.timeline_years(intervention),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def indicator_add(request: UserRequest, pk: int, intervention_pk: int) -> HttpResponse:
    access = _intervention(request, pk, intervention_pk, INTERVENTION_EDIT)
    intervention = access.object
    edit = VersionedEdit(
        request, lambda data, _current: ResultIndicatorForm(data, intervention=intervention)
    )
    if edit.save(
        lambda form: services.indicator_create(
            actor=request.user,
            intervention=intervention,
            indicator=form.save(commit=False),
            target_values=form.target_values(),
        )
    ):
        messages.success(request, _("Indicator added."))
        return redirect(_results_url(pk, intervention))
    return _form_page(request, access, edit, intervention)


@require_http_methods(["GET", "POST"])
@login_required
def indicator_edit(
    request: UserRequest, pk: int, intervention_pk: int, indicator_pk: int
) -> HttpResponse:
    intervention = _intervention(request, pk, intervention_pk, INTERVENTION_EDIT).object
    access = _indicator(request, pk, intervention, indicator_pk, PlanAction.VIEW)
    indicator = access.object
    edit = VersionedEdit(
        request,
        lambda data, current: ResultIndicatorForm(
            data, instance=current, intervention=intervention
        ),
        indicator,
    )
    if edit.save(
        lambda form: services.indicator_update(
            actor=request.user,
            indicator=indicator,
            expected_version=form.cleaned_data["version"],
            data=form.edited_values(),
            target_values=form.target_values(),
        )
    ):
        messages.success(request, _("Indicator saved."))
        return redirect(_results_url(pk, intervention))
    return _form_page(request, access, edit, intervention, indicator)


@require_http_methods(["GET", "POST"])
@login_required
def indicator_remove(
    request: UserRequest, pk: int, intervention_pk: int, indicator_pk: int
) -> HttpResponse:
    intervention = _intervention(request, pk, intervention_pk, INTERVENTION_EDIT).object
    access = _indicator(request, pk, intervention, indicator_pk, PlanAction.VIEW)
    indicator = access.object
    label = indicator.label
    if request.method == "POST":
        remove_and_tell(
            request,
            lambda: services.indicator_remove(actor=request.user, indicator=indicator),
            done=_("Indicator “%(indicator)s” removed.") % {"indicator": label},
        )
        return redirect(_results_url(pk, intervention))
    return confirmation_page(
        request,
        access.context,
        title=_("Remove the indicator “%(indicator)s” from “%(title)s”?")
        % {"indicator": label, "title": intervention.title},
        consequences=[
            _("Its target values and the progress recorded on it are removed with it."),
            _("The record of who entered and changed them stays in the history."),
        ],
        button=_("Remove indicator"),
        cancel_url=_results_url(pk, intervention),
    )


def _indicator_for_progress(
    request, pk: int, intervention_pk: int, indicator_pk: int
) -> PlanObjectAccess[ResultIndicator]:
    """An indicator whose progress the user records: those who may change the
    intervention may, and the others ``PROGRESS_RECORD`` allows."""
    found = _intervention(request, pk, intervention_pk, PlanAction.VIEW)
    intervention = found.object
    # Progress goes on once the plan is adopted: holding the intervention's rule is
    # enough, whatever the plan's status (its content edits are closed, not this).
    rule = PlanAction.VIEW if found.holds(INTERVENTION_EDIT, intervention) else PROGRESS_RECORD
    return _indicator(request, pk, intervention, indicator_pk, rule)


@require_http_methods(["GET", "POST"])
@login_required
def progress_submit(
    request: UserRequest, pk: int, intervention_pk: int, indicator_pk: int
) -> HttpResponse:
    access = _indicator_for_progress(request, pk, intervention_pk, indicator_pk)
    indicator = access.object
    indicator.intervention.plan = access.plan
    form = ProgressForm(request.POST or None, request.FILES or None, indicator=indicator)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.progress_submit(
                actor=request.user, indicator=indicator, **form.submitted_values()
            )
        except services.ProgressDuplicate as duplicate:
            form.add_error(None, duplicate)
            status = 409  # the period's value exists: this one conflicts with it
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, _("Value submitted: it counts once those who lead monitoring approve it.")
            )
            return redirect(_results_url(pk, indicator.intervention))
    return render(
        request,
        "interventions/progress_form.html",
        {
            **access.context,
            "form": form,
            "intervention": indicator.intervention,
            "indicator": indicator,
            "indicator_label": indicator.label,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def progress_remove(
    request: UserRequest,
    pk: int,
    intervention_pk: int,
    indicator_pk: int,
    progress_pk: int,
) -> HttpResponse:
    indicator = _indicator_for_progress(request, pk, intervention_pk, indicator_pk).object
    access = plan_object_for_user_or_404(
        request.user,
        pk,
        selectors.progress_of(indicator),
        progress_pk,
        PlanAction.VIEW,  # authorised on its indicator, just above
        plan_field="indicator__intervention__plan",
    )
    progress = access.object
    intervention = indicator.intervention
    if request.method == "POST":
        remove_and_tell(
            request,
            lambda: services.progress_remove(actor=request.user, progress=progress),
            done=_("Progress value removed."),
        )
        return redirect(_results_url(pk, intervention))
    return confirmation_page(
        request,
        access.context,
        title=_("Remove the value measured on %(date)s for “%(indicator)s”?")
        % {
            "date": formats.date_format(progress.measured_on, "DATE_FORMAT"),
            "indicator": indicator.label,
        },
        consequences=[
            _("The value leaves the indicator's progress and, if approved, its chart."),
            _("The record of who entered and removed it stays in the history."),
        ],
        button=_("Remove value"),
        cancel_url=_results_url(pk, intervention),
    )
