"""The IATI file of an adopted version: for those who see the plan, and for anyone at
the plan's public address (adopted versions only)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from action_plans.models import PlanVersion
from action_plans.permissions import plan_object_for_user_or_404
from action_plans.policy import PlanAction
from open_data import selectors
from open_data.files import iati_file
from open_data.iati import NoInterventions, NoReportingOrganisation


def _download(version: PlanVersion, xml: bytes) -> HttpResponse:
    response = HttpResponse(xml, content_type="application/xml; charset=utf-8")
    name = f"plan-{version.plan_id}-version-{version.number}-iati.xml"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_http_methods(["GET", "POST"])
@login_required
def version_iati(request: HttpRequest, pk: int, version_pk: int) -> HttpResponse:
    """An adopted (or superseded) version's IATI file, for whoever may see the plan;
    another version is not found."""
    access = plan_object_for_user_or_404(
        request.user, pk, selectors.published_versions(), version_pk, PlanAction.VIEW
    )
    if request.method != "GET":  # a download; another plan's version is not found first
        return HttpResponseNotAllowed(["GET"])
    try:
        return _download(access.object, iati_file(access.object))
    except (NoReportingOrganisation, NoInterventions) as why:
        messages.error(request, str(why))
        return redirect("version_detail", pk, version_pk)


@require_http_methods(["GET", "POST"])
def open_version_iati(request: HttpRequest, pk: int, major: int, minor: int) -> HttpResponse:
    """The public IATI file of version ``major.minor`` of a plan, without signing in:
    only a version the plan adopted. A draft, a version in validation or withdrawn, a
    plan never adopted and a missing plan are all the same 404."""
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    version = selectors.published_version(pk, major, minor)
    if version is None:
        raise Http404
    try:
        return _download(version, iati_file(version))
    except (NoReportingOrganisation, NoInterventions):
        raise Http404 from None
