"""The API lists' filters: plans by level, status and country (their codes); commitments by
stage, provider and intervention (ids)."""

import django_filters
from django_countries import countries

from action_plans.models import ActionPlan, PlanLevel, PlanStatus
from funding.models import Commitment, Stage


class PlanFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(choices=PlanLevel.choices)
    status = django_filters.ChoiceFilter(choices=PlanStatus.choices)
    country = django_filters.ChoiceFilter(choices=lambda: list(countries))

    class Meta:
        model = ActionPlan
        fields = ["level", "status", "country"]


# --- funding sources and commitments -------------------------------------------------------


class CommitmentFilter(django_filters.FilterSet):
    """A plan's commitments by stage, by the organisation providing their source and by
    the intervention they fund (ids, as the API gives them)."""

    stage = django_filters.ChoiceFilter(choices=Stage.choices)
    provider = django_filters.NumberFilter(field_name="source__provider")
    intervention = django_filters.NumberFilter(field_name="intervention")

    class Meta:
        model = Commitment
        fields = ["stage", "provider", "intervention"]
