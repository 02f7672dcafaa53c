"""The number of unread notifications for the navigation bar, counted only when a page
shows it (one query, signed-in users only)."""

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from action_plans.notifications import unread_count


def notifications(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
