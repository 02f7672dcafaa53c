from collections.abc import Sequence
from typing import Any, TypeVar

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict

PAGE_SIZE = 25

T = TypeVar("T")


def paginate(
    request: HttpRequest, items: Sequence[T] | QuerySet[Any, T], per_page: int = PAGE_SIZE
) -> Page[T]:
    """The requested page of ``items``; out-of-range numbers give the nearest page."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def query_without(query: QueryDict, *keys: str) -> str:
    """The request's query string without ``keys``: what sort links keep (the filters)
    while a new sort starts again at page 1."""
    kept = query.copy()
    for key in keys:
        kept.pop(key, None)
    return kept.urlencode()
