"""The plans list's filters: by level, status and country (their codes)."""

import django_filters
from django_countries import countries

from action_plans.models import ActionPlan, PlanLevel, PlanStatus


class PlanFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(choices=PlanLevel.choices)
    status = django_filters.ChoiceFilter(choices=PlanStatus.choices)
    country = django_filters.ChoiceFilter(choices=lambda: list(countries))

    class Meta:
        model = ActionPlan
        fields = ["level", "status", "country"]
