"""What the API answers (and, for the schema, what it reads). Codes, not words: a
choice is its stored value; the schema lists the values."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from action_plans.models import (
    ActionPlan,
    ChangeReason,
    PlanChange,
    PlanLevel,
    PlanStatus,
    PlanVersion,
    VersionStatus,
)
from interventions.models import (
    AgeGroup,
    Intervention,
    MigratoryStatus,
    Progress,
    ResultIndicator,
    Sex,
)
from open_data.selectors import PUBLISHED


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


class VersionSerializer(serializers.ModelSerializer):
    """A numbered version of a plan: frozen at its submission; adopted, or not (yet)."""

    number = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(choices=VersionStatus.choices)

    class Meta:
        model = PlanVersion
        fields = [
            "id",
            "number",
            "status",
            "submitted_at",
            "validated_at",
            "adopted_at",
            "adoption_date",
            "adoption_reference",
        ]
        read_only_fields = fields


class ChangeSerializer(serializers.ModelSerializer):
    """A change made to an adopted plan, with its reason."""

    reason = serializers.ChoiceField(choices=ChangeReason.choices)

    class Meta:
        model = PlanChange
        fields = ["reason", "text", "created_at"]
        read_only_fields = fields


class VersionDetailSerializer(VersionSerializer):
    """A version with the changes it carries since the version adopted before it, and the
    address of its open document once adopted."""

    changes = serializers.SerializerMethodField()
    open_document = serializers.SerializerMethodField()

    class Meta(VersionSerializer.Meta):
        fields = [*VersionSerializer.Meta.fields, "changes", "open_document"]
        read_only_fields = fields

    @extend_schema_field(ChangeSerializer(many=True))
    def get_changes(self, version: PlanVersion) -> list:
        return ChangeSerializer(self.context["changes"], many=True).data

    @extend_schema_field({"type": ["string", "null"], "format": "uri"})
    def get_open_document(self, version: PlanVersion) -> str | None:
        if version.status not in PUBLISHED:
            return None
        return _open_document_url(self.context["request"], version)


def _open_document_url(request, version: PlanVersion) -> str:
    return request.build_absolute_uri(
        reverse(
            "api_open_version_detail",
            kwargs={"pk": version.plan_id, "major": version.major, "minor": version.minor},
        )
    )


class OpenVersionSerializer(serializers.Serializer):
    """An adopted version as anyone reads it: its number, the act that adopted it, and the
    addresses of its open document (JSON) and of its page on the public portal."""

    number = serializers.CharField()
    status = serializers.ChoiceField(choices=[(status, status) for status in PUBLISHED])
    adoption_date = serializers.DateField()
    adoption_reference = serializers.CharField()
    document = serializers.SerializerMethodField()
    portal = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_document(self, version: PlanVersion) -> str:
        return _open_document_url(self.context["request"], version)

    @extend_schema_field(OpenApiTypes.URI)
    def get_portal(self, version: PlanVersion) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("portal_version", args=[version.plan_id, version.major, version.minor])
        )


class OpenPlanSerializer(serializers.Serializer):
    """An adopted plan as its current adopted version froze it."""

    id = serializers.IntegerField(source="plan_id")
    title = serializers.CharField(source="snapshot_outline.plan.title")
    country = serializers.CharField(source="snapshot_outline.plan.country")
    level = serializers.ChoiceField(choices=PlanLevel.choices, source="snapshot_outline.plan.level")
    area_name = serializers.CharField(source="snapshot_outline.plan.area_name", default="")
    period = serializers.CharField(source="snapshot_outline.plan.period")
    base_currency = serializers.CharField(source="snapshot_outline.plan.base_currency")
    current_version = OpenVersionSerializer(source="*")
