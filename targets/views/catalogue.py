"""The official SDG catalogue, public reference data."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from targets import selectors
from targets.forms import (
    CatalogueSearchForm,
)


@require_http_methods(["GET", "POST"])
def catalogue(request: HttpRequest) -> HttpResponse:
    """The official SDG catalogue: public reference data, readable without signing in."""
    form = CatalogueSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    goals = selectors.catalogue_goals(
        query=filters.get("q", ""), relevance=filters.get("relevance", "")
    )
    return render(
        request,
        "targets/catalogue.html",
        {
            "form": form,
            "goals": goals,
            "target_count": sum(len(goal.matching_targets) for goal in goals),  # type: ignore[attr-defined, misc]  # prefetched to_attr
            "is_filtered": bool(filters.get("q") or filters.get("relevance")),
        },
    )
