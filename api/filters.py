"""The lists' filters, by codes: the plans by level, status and country (the adopted
plans as frozen); a plan's targets, frameworks and organisations by what their pages
filter or show; its commitments by stage, provider and intervention (ids)."""

import django_filters
from django_countries import countries
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from action_plans.models import ActionPlan, PlanLevel, PlanStatus, PlanVersion
from api.serializers import PART_CHOICES
from funding.models import Commitment, Stage
from governance.models import OrganisationLevel, OrganisationType, Participation
from targets.models import (
    Framework,
    FrameworkKind,
    FrameworkLevel,
    PrioritisedTarget,
    ProposalStatus,
)


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


# --- prioritised targets, frameworks and assessments, organisations ------------------------


class PrioritisedTargetFilter(django_filters.FilterSet):
    """A plan's targets by status (prioritised, proposed, declined) and SDG goal."""

    status = django_filters.ChoiceFilter(choices=ProposalStatus.choices)
    goal = django_filters.NumberFilter(field_name="target__goal__number")

    class Meta:
        model = PrioritisedTarget
        fields = ["status", "goal"]


class FrameworkFilter(django_filters.FilterSet):
    """A plan's frameworks by kind and level, as the coherence matrix filters them."""

    kind = django_filters.ChoiceFilter(choices=FrameworkKind.choices)
    level = django_filters.ChoiceFilter(choices=FrameworkLevel.choices)

    class Meta:
        model = Framework
        fields = ["kind", "level"]


class ParticipantFilter(django_filters.FilterSet):
    """A plan's organisations by their part in it, type and level, and the local actors."""

    part = django_filters.ChoiceFilter(field_name="lead_kind", choices=PART_CHOICES)
    type = django_filters.ChoiceFilter(
        field_name="organisation__type", choices=OrganisationType.choices
    )
    level = django_filters.ChoiceFilter(
        field_name="organisation__level", choices=OrganisationLevel.choices
    )
    is_local_actor = django_filters.BooleanFilter(field_name="organisation__is_local_actor")

    class Meta:
        model = Participation
        fields = ["part", "type", "level", "is_local_actor"]


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
