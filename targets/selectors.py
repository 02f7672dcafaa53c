"""Reads from the targets app."""

import re

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from msd_planner.lib.translation import active_content_language
from targets.models import Goal, Indicator, MigrationRelevance, Target

_GOAL_CODE = re.compile(r"^\d{1,2}$")
_TARGET_CODE = re.compile(r"^\d{1,2}\.(?:\d{1,2}|[a-z])$")
_INDICATOR_CODE = re.compile(r"^\d{1,2}\.(?:\d{1,2}|[a-z])\.\d{1,2}$")

RELEVANCE_FILTERS = {
    "migration": [MigrationRelevance.EXPLICIT, MigrationRelevance.CROSS_CUTTING],
    MigrationRelevance.EXPLICIT: [MigrationRelevance.EXPLICIT],
    MigrationRelevance.CROSS_CUTTING: [MigrationRelevance.CROSS_CUTTING],
}


def _matching_query(query: str) -> Q:
    """Targets matching a code (goal, target or indicator) or all the words of a text."""
    query = query.strip().lower()
    if _GOAL_CODE.match(query):
        return Q(goal__number=int(query))
    if _TARGET_CODE.match(query):
        return Q(code=query)
    if _INDICATOR_CODE.match(query):
        return Q(indicators__code=query)
    language = active_content_language()
    title_fields = {"title_en", f"title_{language}"}
    condition = Q()
    for word in query.split():
        in_target = Q()
        in_indicator = Q()
        for name in title_fields:
            in_target |= Q(**{f"{name}__icontains": word})
            in_indicator |= Q(**{f"{name}__icontains": word})
        indicator_matches = Exists(Indicator.objects.filter(in_indicator, target=OuterRef("pk")))
        condition &= in_target | indicator_matches
    return condition


def catalogue_targets(*, query: str = "", relevance: str = "") -> QuerySet[Target]:
    """Targets in official order, filtered by words/code and migration relevance."""
    targets = Target.objects.all()
    if relevance:
        targets = targets.filter(migration_relevance__in=RELEVANCE_FILTERS[relevance])
    if query.strip():
        targets = targets.filter(_matching_query(query)).distinct()
    return targets.order_by("position")


def catalogue_goals(*, query: str = "", relevance: str = "") -> list[Goal]:
    """Goals that have matching targets, each with ``matching_targets`` and their indicators.

    Three queries whatever the size of the catalogue.
    """
    targets = catalogue_targets(query=query, relevance=relevance).prefetch_related(
        Prefetch("indicators", queryset=Indicator.objects.order_by("position"))
    )
    goals = Goal.objects.filter(Exists(targets.filter(goal=OuterRef("pk")))).prefetch_related(
        Prefetch("targets", queryset=targets, to_attr="matching_targets")
    )
    return list(goals.order_by("number"))
