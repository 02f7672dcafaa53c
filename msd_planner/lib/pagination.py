from django.core.paginator import Page, Paginator

PAGE_SIZE = 25


def paginate(request, items, per_page: int = PAGE_SIZE) -> Page:
    """The requested page of ``items``; out-of-range numbers give the nearest page."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def query_without(query, *keys: str) -> str:
    """The request's query string without ``keys``: what sort links keep (the filters)
    while a new sort starts again at page 1."""
    kept = query.copy()
    for key in keys:
        kept.pop(key, None)
    return kept.urlencode()
