"""Pages every app shows the same way."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def confirmation_page(
    request: HttpRequest,
    context: dict,
    *,
    title: str,
    consequences: list[str],
    button: str,
    cancel_url: str,
) -> HttpResponse:
    """The confirmation page of an irreversible step: what will happen, the button, and
    a way back. Inside a plan, ``context`` is the plan access's context (the page then
    keeps the plan's title, tabs and breadcrumbs); outside, an empty dict."""
    return render(
        request,
        "confirm.html",
        {
            **context,
            "title": title,
            "consequences": consequences,
            "button": button,
            "cancel_url": cancel_url,
        },
    )
