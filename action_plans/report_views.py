"""A plan's annual reports: the page listing the years a report can tell of, with each
report's PDF and Word document (for whoever may see the plan), made by a background job at
the request of those who lead monitoring (``PlanAction.MONITOR``: the plan's lead
coordinators and the lead body for monitoring); served through the app, never from a
public URL. The page asks again (htmx) while a report is being made."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseNotAllowed
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from action_plans.document_views import serve_file, tell_if_not_queued
from action_plans.documents import report_request
from action_plans.models import DocumentStatus
from action_plans.permissions import PlanAccess, PlanAction, plan_for_user_or_404
from action_plans.reports import REPORT_FORMATS, report_document, report_documents, report_years
from msd_planner.lib.types import HtmxHttpRequest, UserRequest

# Making a report is not an edit of the plan: it is asked for whatever the plan's status.
MAKE_REPORTS = PlanAction.MONITOR


def _year_or_404(access: PlanAccess, year: int) -> int:
    if year not in report_years(access.plan):
        raise Http404("no report for this year")
    return year


@require_http_methods(["GET", "POST"])
@login_required
def plan_reports(request: HtmxHttpRequest, pk: int) -> HttpResponseBase:
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    access = plan_for_user_or_404(request.user, pk, PlanAction.VIEW)
    documents = report_documents(access.plan)
    years = [
        (year, [(format, documents.get((year, format))) for format in REPORT_FORMATS])
        for year in report_years(access.plan)
    ]
    context = {
        **access.context,
        "years": years,
        "may_make": access.may(MAKE_REPORTS),
        "pending": any(
            document.status in (DocumentStatus.QUEUED, DocumentStatus.RENDERING)
            for document in documents.values()
        ),
    }
    if request.htmx:
        return render(request, "action_plans/includes/reports_table.html", context)
    return render(request, "action_plans/plan_reports.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def plan_report(request: UserRequest, pk: int, year: int, document_format: str) -> HttpResponseBase:
    """GET: the report's file once made (the reports page until then); POST: make it
    (again)."""
    if document_format not in REPORT_FORMATS:
        raise Http404("no report in this format")
    reports_url = reverse("plan_reports", args=[pk])
    if request.method == "POST":
        access = plan_for_user_or_404(request.user, pk, MAKE_REPORTS, any_status=True)
        report_request(plan=access.plan, year=_year_or_404(access, year), format=document_format)
        if not tell_if_not_queued(request, access.plan, document_format):
            messages.success(
                request,
                _("The report of %(year)s is being made; this page shows when it is ready.")
                % {"year": year},
            )
        return redirect(reports_url)
    access = plan_for_user_or_404(request.user, pk, PlanAction.VIEW)
    document = report_document(access.plan, _year_or_404(access, year), document_format)
    # The report made before stays downloadable while it is made again.
    if document is None or not document.file:
        return redirect(reports_url)
    return serve_file(document)
