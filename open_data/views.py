"""The open files of an adopted version (IATI, JSON, CSV tables): for those who see the
plan, and for anyone at the plan's public address (adopted versions only)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from action_plans.models import PlanVersion
from action_plans.permissions import plan_object_for_user_or_404
from action_plans.policy import PlanAction
from open_data import selectors
from open_data.files import iati_file, plan_json_file, tables_zip_file
from open_data.iati import NoInterventions, NoReportingOrganisation

# The open files besides IATI: how each is made, sent and named.
OPEN_FILES = {
    "json": (plan_json_file, "application/json", "plan.json"),
    "tables": (tables_zip_file, "application/zip", "tables.zip"),
}


def _open_file(version: PlanVersion, file: str) -> HttpResponse:
    make, content_type, name = OPEN_FILES[file]
    response = HttpResponse(make(version), content_type=content_type)
    filename = f"plan-{version.plan_id}-version-{version.number}-{name}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _public_version_or_404(pk: int, major: int, minor: int) -> PlanVersion:
    """Version ``major.minor`` of a plan if the plan adopted it; the same 404 for a draft,
    a version in validation or withdrawn, a plan never adopted and a missing plan."""
    version = selectors.published_version(pk, major, minor)
    if version is None:
        raise Http404
    return version


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
    version = _public_version_or_404(pk, major, minor)
    try:
        return _download(version, iati_file(version))
    except (NoReportingOrganisation, NoInterventions):
        raise Http404 from None


@require_http_methods(["GET", "POST"])
@login_required
def version_open_file(request: HttpRequest, pk: int, version_pk: int, file: str) -> HttpResponse:
    """An adopted (or superseded) version as JSON (``file`` "json") or its tables as CSV
    (``file`` "tables"), for whoever may see the plan; another version is not found."""
    access = plan_object_for_user_or_404(
        request.user, pk, selectors.published_versions(), version_pk, PlanAction.VIEW
    )
    if request.method != "GET":  # a download; another plan's version is not found first
        return HttpResponseNotAllowed(["GET"])
    return _open_file(access.object, file)


@require_http_methods(["GET", "POST"])
def open_version_file(
    request: HttpRequest, pk: int, major: int, minor: int, file: str
) -> HttpResponse:
    """The public JSON or CSV tables of version ``major.minor`` of a plan, without
    signing in: only a version the plan adopted, any other the IATI file's same 404."""
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    return _open_file(_public_version_or_404(pk, major, minor), file)
