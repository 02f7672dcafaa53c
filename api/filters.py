"""The plan lists' filters: by level, status and country (their codes)."""

import django_filters
from django_countries import countries
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from action_plans.models import ActionPlan, PlanLevel, PlanStatus, PlanVersion


class PlanFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(choices=PlanLevel.choices)
    status = django_filters.ChoiceFilter(choices=PlanStatus.choices)
    country = django_filters.ChoiceFilter(choices=lambda: list(countries))

    class Meta:
        model = ActionPlan
        fields = ["level", "status", "country"]


@extend_schema_field(OpenApiTypes.STR)
class FrozenCountryFilter(django_filters.ChoiceFilter):
    """A country code, as a version froze it (in its JSON, whose type the schema cannot
    read from the model)."""


class OpenPlanFilter(django_filters.FilterSet):
    """The adopted plans' filters, on the plan as its current adopted version froze it."""

    level = django_filters.ChoiceFilter(
        field_name="snapshot_outline__plan__level", choices=PlanLevel.choices
    )
    country = FrozenCountryFilter(
        field_name="snapshot_outline__plan__country", choices=lambda: list(countries)
    )

    class Meta:
        model = PlanVersion
        fields: list[str] = []
