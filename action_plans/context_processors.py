"""What every page's frame shows: the main menu, the plan's tabs (registered by the apps
that own their pages, ``action_plans.hooks``) and the number of unread notifications,
counted only when a page shows it (one query, signed-in users only)."""

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from action_plans.hooks import PlanTab, menu_links, plan_tabs
from action_plans.notifications import unread_count


@dataclass(frozen=True)
class ShownTab:
    tab: PlanTab
    active: bool  # the page is the tab's or lies under it
    current: bool  # the page is the tab's own (aria-current)


def navigation(request: HttpRequest) -> dict[str, Any]:
    match = request.resolver_match
    url_name, route = (match.url_name, match.route) if match else (None, None)
    return {
        "menu_links": SimpleLazyObject(lambda: menu_links(getattr(request, "user", None))),
        "plan_tabs": [
            ShownTab(tab, tab.current(url_name, route), tab.url_name == url_name)
            for tab in plan_tabs()
        ],
    }


def notifications(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
