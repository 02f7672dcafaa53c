"""What the API answers (and, for the schema, what it reads). Codes, not words: a
choice is its stored value; the schema lists the values."""

from rest_framework import serializers

from action_plans.models import ActionPlan, PlanLevel, PlanStatus
from interventions.models import (
    AgeGroup,
    Intervention,
    MigratoryStatus,
    Progress,
    ResultIndicator,
    Sex,
)


class PlanSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country.code")
    level = serializers.ChoiceField(choices=PlanLevel.choices)
    status = serializers.ChoiceField(choices=PlanStatus.choices)

    class Meta:
        model = ActionPlan
        fields = [
            "id",
            "title",
            "country",
            "level",
            "area_name",
            "period_start_year",
            "period_end_year",
            "base_currency",
            "language",
            "status",
            "version",
            "updated_at",
        ]
        read_only_fields = fields


class ApprovedProgressSerializer(serializers.ModelSerializer):
    class Meta:
        model = Progress
        fields = [
            "id",
            "measured_on",
            "period_year",
            "period_quarter",
            "value",
            "sex",
            "age",
            "migratory_status",
            "source",
        ]
        read_only_fields = fields


class IndicatorSerializer(serializers.ModelSerializer):
    sdg_indicator = serializers.CharField(
        source="sdg_indicator.code", allow_null=True, default=None
    )
    reporting_organisation = serializers.CharField(
        source="reporting_organisation.name", allow_null=True, default=None
    )
    approved_progress = ApprovedProgressSerializer(many=True, read_only=True)

    class Meta:
        model = ResultIndicator
        fields = [
            "id",
            "name",
            "sdg_indicator",
            "unit",
            "baseline_value",
            "baseline_year",
            "by_sex",
            "by_age",
            "by_migratory_status",
            "reporting_organisation",
            "approved_progress",
        ]
        read_only_fields = fields


class InterventionSerializer(serializers.ModelSerializer):
    lead_organisation = serializers.CharField(source="lead_organisation.name")
    indicators = IndicatorSerializer(many=True, read_only=True)

    class Meta:
        model = Intervention
        fields = [
            "id",
            "title",
            "level",
            "sector",
            "status",
            "description",
            "lead_organisation",
            "start_date",
            "end_date",
            "estimated_cost",
            "version",
            "indicators",
        ]
        read_only_fields = fields


class ProgressSerializer(serializers.ModelSerializer):
    """A progress value as its submitter sees it: with its status and, when returned,
    the reviewer's comment. Its ``version`` is its ETag."""

    class Meta:
        model = Progress
        fields = [
            "id",
            "indicator",
            "measured_on",
            "period_year",
            "period_quarter",
            "value",
            "source",
            "sex",
            "age",
            "migratory_status",
            "comment",
            "status",
            "review_comment",
            "version",
        ]
        read_only_fields = fields


class ProgressInputSerializer(serializers.Serializer):
    """A progress value submitted (every field the page's form has but the evidence
    file), or the fields of a returned value corrected. Read by the page's own form and
    rules: this says the shape, for the schema."""

    measured_on = serializers.DateField()
    value = serializers.DecimalField(max_digits=16, decimal_places=4)
    source = serializers.CharField(max_length=300)
    sex = serializers.ChoiceField(choices=Sex.choices, required=False)
    age = serializers.ChoiceField(choices=AgeGroup.choices, required=False)
    migratory_status = serializers.ChoiceField(choices=MigratoryStatus.choices, required=False)
    comment = serializers.CharField(required=False, allow_blank=True)


class ProgressPatchSerializer(ProgressInputSerializer):
    measured_on = serializers.DateField(required=False)
    value = serializers.DecimalField(max_digits=16, decimal_places=4, required=False)
    source = serializers.CharField(max_length=300, required=False)


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


# --- prioritised targets, frameworks and assessments, organisations ------------------------


# --- funding sources and commitments -------------------------------------------------------


# --- versions, and the adopted versions' public part ---------------------------------------
