"""The public portal: the adopted plans, readable by anyone without an account.

Every page reads adopted versions only (``portal.selectors``), and of them what their
snapshot froze; a draft, a version in validation or withdrawn, or a plan never adopted
answers the same 404 as a plan that does not exist."""

from itertools import groupby

from django.core.paginator import InvalidPage
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from django_countries import countries

from action_plans.document_views import serve_file
from action_plans.models import PlanLevel, PlanVersion
from open_data.selectors import iati_file_possible
from portal import selectors
from portal.summary import Summary, version_summary

LEVELS = [PlanLevel.NATIONAL, PlanLevel.LOCAL]


def _adopted_or_404(pk: int, major: int, minor: int) -> PlanVersion:
    version = selectors.adopted_version(pk, major, minor)
    if version is None:
        raise Http404
    return version


def _summary_or_404(version: PlanVersion, page_url: str, page: str, embed: bool) -> Summary:
    """The version's summary on ``page`` (as the address gave it); 404 when it has no
    such page."""
    if not page.isdigit():
        raise Http404
    try:
        return version_summary(version, page_url=page_url, page=int(page), embed=embed)
    except InvalidPage as error:
        raise Http404 from error


@require_http_methods(["GET", "HEAD"])
def plan_list(request: HttpRequest) -> HttpResponse:
    """The adopted plans, by country, then national before local."""
    plans = selectors.open_plans()

    def country(item: selectors.OpenPlan) -> str:
        return str(countries.name(item.frozen["country"]) or item.frozen["country"])

    def order(item: selectors.OpenPlan) -> tuple:
        level = item.frozen.get("level")
        rank = LEVELS.index(level) if level in LEVELS else len(LEVELS)
        return (country(item), rank, item.frozen.get("area_name", ""), item.frozen["title"])

    by_country = [
        (
            name,
            [
                (dict(PlanLevel.choices).get(level, level), list(rows))
                for level, rows in groupby(items, key=lambda item: item.frozen.get("level"))
            ],
        )
        for name, items in groupby(sorted(plans, key=order), key=country)
    ]
    return render(request, "portal/plan_list.html", {"by_country": by_country})


@require_http_methods(["GET", "HEAD"])
def plan_current(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan's current adopted version."""
    version = selectors.current_adopted_version(pk)
    if version is None:
        raise Http404
    return redirect("portal_version", pk=pk, major=version.major, minor=version.minor)


@require_http_methods(["GET", "HEAD"])
def version_detail(request: HttpRequest, pk: int, major: int, minor: int) -> HttpResponse:
    """An adopted version at a glance, its PDF and the plan's other adopted versions;
    its interventions a page at a time (``?page=``)."""
    version = _adopted_or_404(pk, major, minor)
    summary = _summary_or_404(version, request.path, request.GET.get("page", "1"), embed=False)
    adopted = selectors.plan_adopted_versions(pk)
    return render(
        request,
        "portal/version_detail.html",
        {
            "version": version,
            "frozen": summary.frozen,
            "summary": summary.html,
            "current": adopted[0],
            "others": [other for other in adopted if other.pk != version.pk],
            "pdf": selectors.official_pdf(version),
            "iati": iati_file_possible(version),
        },
    )


@require_http_methods(["GET", "HEAD"])
def version_embed(request: HttpRequest, pk: int, major: int, minor: int) -> HttpResponse:
    """The version at a glance as a fragment of HTML another site may place in its own
    page (no frame, no script, classes prefixed ``msdp-``), readable from any origin: a
    plain GET needs no preflight."""
    version = _adopted_or_404(pk, major, minor)
    page = reverse("portal_version", kwargs={"pk": pk, "major": major, "minor": minor})
    summary = _summary_or_404(version, request.build_absolute_uri(page), "1", embed=True)
    response = render(
        request,
        "portal/embed.html",
        {
            "version": version,
            "frozen": summary.frozen,
            "summary": summary.html,
            "page_url": request.build_absolute_uri(page),
        },
    )
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Methods"] = "GET"
    return response


@require_http_methods(["GET", "HEAD"])
def version_pdf(request: HttpRequest, pk: int, major: int, minor: int) -> HttpResponseBase:
    """The official PDF of an adopted version, once it is ready."""
    document = selectors.official_pdf(_adopted_or_404(pk, major, minor))
    if document is None:
        raise Http404
    return serve_file(document)
