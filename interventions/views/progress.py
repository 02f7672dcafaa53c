"""Progress reviewed: the values waiting for review on a plan, those overdue, the
decision on one value (approve, or return with a comment), the correction of a returned
value, a value's evidence file, and the approved values as CSV for the global SDG
database.

Reviewing, and the list of values overdue, are ``PROGRESS_REVIEW`` (those who lead
monitoring); correcting is ``PROGRESS_RECORD`` on the value's indicator, as submitting
is; the evidence is served to whoever sees the plan, never from a public URL.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotAllowed,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from action_plans.models import AGENDA_END_YEAR, AGENDA_START_YEAR
from action_plans.permissions import (
    PlanAction,
    PlanObjectAccess,
    plan_for_user_or_404,
    plan_object_for_user_or_404,
)
from interventions import reporting, sdg_export, selectors, services
from interventions.models import Progress, ProgressStatus
from interventions.result_forms import (
    ProgressCorrectionForm,
    ProgressDecisionForm,
    ProgressFilterForm,
)
from interventions.rules import (
    PROGRESS_RECORD,
    PROGRESS_REVIEW,
    records_progress,
)
from msd_planner.lib import csv_stream, uploads
from msd_planner.lib.errors import ActionRefused
from msd_planner.lib.pagination import paginate
from msd_planner.lib.types import UserRequest
from msd_planner.lib.versioned_edit import EditConflict, VersionedEdit, add_service_error


def _progress(request, pk: int, progress_pk: int, action) -> PlanObjectAccess[Progress]:
    return plan_object_for_user_or_404(
        request.user,
        pk,
        selectors.progress_for_review(),
        progress_pk,
        action,
        plan_field="indicator__intervention__plan",
    )


def _results_url(pk: int, progress: Progress) -> str:
    return (
        reverse("intervention_detail", args=[pk, progress.indicator.intervention_id])
        + f"#indicator-{progress.indicator_id}"
    )


@require_http_methods(["GET", "POST"])
@login_required
def review_list(request: UserRequest, pk: int) -> HttpResponseBase:
    if request.method != "GET":  # a list; signed out, the sign-in page comes first
        return HttpResponseNotAllowed(["GET"])
    access = plan_for_user_or_404(request.user, pk, PROGRESS_REVIEW)
    form = ProgressFilterForm(request.GET or None, plan=access.plan)
    organisation = form.cleaned_data.get("organisation") if form.is_valid() else None
    waiting = selectors.progress_waiting(
        access.plan, organisation_id=organisation.pk if organisation else None
    )
    return render(
        request,
        "interventions/progress_review_list.html",
        {
            **access.context,
            "form": form,
            "page": paginate(request, waiting),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def overdue_list(request: UserRequest, pk: int) -> HttpResponseBase:
    """The indicators whose quarters ended without their value (``interventions.reporting``),
    to those who review progress."""
    if request.method != "GET":  # a list; signed out, the sign-in page comes first
        return HttpResponseNotAllowed(["GET"])
    access = plan_for_user_or_404(request.user, pk, PROGRESS_REVIEW)
    duties = reporting.reporting_duties(access.plan)
    late = sorted(
        reporting.overdue(duties, timezone.localdate()),
        key=lambda item: (item.duty.organisation_name, item.duty.intervention_title),
    )
    return render(
        request,
        "interventions/progress_overdue_list.html",
        {
            **access.context,
            "monitored": bool(duties) or reporting.monitoring_start(access.plan) is not None,
            "values": sum(len(item.quarters) for item in late),
            "page": paginate(request, late),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def progress_review(request: UserRequest, pk: int, progress_pk: int) -> HttpResponse:
    access = _progress(request, pk, progress_pk, PROGRESS_REVIEW)
    progress = access.object
    list_url = reverse("progress_review_list", args=[pk])
    if progress.status != ProgressStatus.SUBMITTED:  # a stale link: say so, change nothing
        messages.info(
            request,
            _("This value is %(status)s already: it no longer waits for review.")
            % {"status": progress.get_status_display().lower()},
        )
        return redirect(list_url)
    form = ProgressDecisionForm(request.POST or None, initial={"version": progress.version})
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        decide = (
            services.progress_approve if data["decision"] == "approve" else services.progress_return
        )
        try:
            decide(
                actor=request.user,
                progress=progress,
                expected_version=data["version"],
                comment=data["comment"],
            )
        except EditConflict:
            form.add_error(
                None,
                _(
                    "The value was changed after you opened it, so nothing was decided. "
                    "Open it again to review it as it is now."
                ),
            )
            status = 409
        except ValidationError as error:
            add_service_error(form, error)
            if getattr(error, "code", None) == "own":
                status = 403
        else:
            done = (
                _("Value approved: it now counts in the plan's figures.")
                if data["decision"] == "approve"
                else _("Value returned to the reporting organisation with your comment.")
            )
            messages.success(request, done)
            return redirect(list_url)
    return render(
        request,
        "interventions/progress_review.html",
        {
            **access.context,
            "item": progress,
            "form": form,
            "own": progress.submitted_by_id == request.user.pk,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def progress_correct(request: UserRequest, pk: int, progress_pk: int) -> HttpResponse:
    found = _progress(request, pk, progress_pk, PlanAction.VIEW)
    progress = found.object
    indicator = progress.indicator
    indicator.intervention.plan = found.plan
    if not records_progress(found, indicator):
        raise ActionRefused(PROGRESS_RECORD.name, f"progress {progress_pk}")
    if progress.status != ProgressStatus.RETURNED:
        messages.info(
            request,
            _("Only a returned value is corrected: this one is %(status)s.")
            % {"status": progress.get_status_display().lower()},
        )
        return redirect(_results_url(pk, progress))
    edit = VersionedEdit(
        request,
        lambda data, current: ProgressCorrectionForm(
            data,
            request.FILES if data is not None else None,
            instance=current,
            indicator=indicator,
        ),
        progress,
    )
    if edit.save(
        lambda form: services.progress_resubmit(
            actor=request.user,
            progress=progress,
            expected_version=form.cleaned_data["version"],
            data=form.submitted_values(),
        )
    ):
        messages.success(request, _("Value corrected and submitted again for review."))
        return redirect(_results_url(pk, progress))
    status = 409 if edit.form.has_error("__all__", "duplicate") else 200
    return render(
        request,
        "interventions/progress_correct.html",
        {
            **found.context,
            **edit.context,
            "item": progress,
            "intervention": indicator.intervention,
            "indicator": indicator,
            "indicator_label": indicator.label,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def progress_evidence(request: UserRequest, pk: int, progress_pk: int) -> HttpResponseBase:
    """The value's evidence file, as an attachment, to whoever sees the plan."""
    progress = _progress(request, pk, progress_pk, PlanAction.VIEW).object
    if not progress.evidence:
        raise Http404("no evidence")
    return uploads.attachment_response(progress.evidence)


@require_http_methods(["GET", "POST"])
@login_required
def sdg_values_export(request: UserRequest, pk: int) -> HttpResponseBase:
    """The plan's approved values for the global SDG database (``sdg_export``), to whoever
    sees the plan, sent as the rows are read; ``?year=2026`` keeps one year."""
    if request.method != "GET":  # a download; signed out, the sign-in page comes first
        return HttpResponseNotAllowed(["GET"])
    access = plan_for_user_or_404(request.user, pk, PlanAction.VIEW)
    year = request.GET.get("year", "")
    if year and not (year.isdecimal() and AGENDA_START_YEAR <= int(year) <= AGENDA_END_YEAR):
        return HttpResponseBadRequest(
            _("Give a year from %(start)s to %(end)s.")
            % {"start": AGENDA_START_YEAR, "end": AGENDA_END_YEAR}
        )
    rows = sdg_export.sdg_rows(access.plan, year=int(year) if year else None)
    response = StreamingHttpResponse(
        csv_stream.csv_chunks(sdg_export.HEADERS, rows), content_type=csv_stream.CONTENT_TYPE
    )
    filename = f"sdg-values-plan-{access.plan.pk}" + (f"-{year}" if year else "") + ".csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
