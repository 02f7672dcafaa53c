"""Pages every app shows the same way."""

from collections.abc import Callable, Sequence
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def confirmation_page(
    request: HttpRequest,
    context: dict[str, Any],
    *,
    title: str,
    consequences: list[str],
    button: str,
    cancel_url: str,
    blockers: Sequence[Any] = (),
) -> HttpResponse:
    """The confirmation page of an irreversible step: what will happen, the button, and
    a way back. Inside a plan, ``context`` is the plan access's context (the page then
    keeps the plan's title, tabs and breadcrumbs); outside, an empty dict. ``blockers``
    (each with a ``label``, its ``problems`` and the ``url`` where it is fixed) say why
    the step would be refused now."""
    return render(
        request,
        "confirm.html",
        {
            **context,
            "title": title,
            "consequences": consequences,
            "button": button,
            "cancel_url": cancel_url,
            "blockers": blockers,
        },
    )


def remove_and_tell(request: HttpRequest, remove: Callable[[], object], *, done: str) -> bool:
    """Run a removal service and tell the user how it went: ``done``, or why it was
    refused (e.g. someone removed the record first: who, and when). Never a 500."""
    try:
        remove()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return False
    messages.success(request, done)
    return True
