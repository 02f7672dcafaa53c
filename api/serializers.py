"""What the API answers (and, for the schema, what it reads). Codes, not words: a
choice is its stored value; the schema lists the values."""

from rest_framework import serializers

from action_plans.models import ActionPlan, PlanLevel, PlanStatus
from funding.models import Commitment, FundingSource, LocalChannel, SourceKind, Stage
from interventions.models import (
    AgeGroup,
    Intervention,
    MigratoryStatus,
    Progress,
    ResultIndicator,
    Sex,
)
from msd_planner.lib.money import MONEY_DIGITS, MONEY_PLACES, RATE_DIGITS, RATE_PLACES


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


class FundingSourceSerializer(serializers.ModelSerializer):
    """A funding source as the sources page lists it: its provider (the organisation whose
    editors record its commitments), kind and usual currency."""

    provider_name = serializers.CharField(source="provider.name")
    kind = serializers.ChoiceField(choices=SourceKind.choices)
    currency = serializers.CharField()

    class Meta:
        model = FundingSource
        fields = [
            "id",
            "name",
            "provider",
            "provider_name",
            "kind",
            "currency",
            "description",
            "version",
            "updated_at",
        ]
        read_only_fields = fields


class CommitmentSerializer(serializers.ModelSerializer):
    """A commitment as the intervention's funding page shows it: the amounts in its own
    currency and, converted once when saved, in the plan's base currency. Its
    ``version`` is its ETag."""

    provider = serializers.IntegerField(source="source.provider_id")
    provider_name = serializers.CharField(source="source.provider.name")
    currency = serializers.CharField()
    local_channel = serializers.ChoiceField(choices=LocalChannel.choices, allow_blank=True)
    base_currency = serializers.CharField(source="intervention.plan.base_currency")

    class Meta:
        model = Commitment
        fields = [
            "id",
            "intervention",
            "source",
            "provider",
            "provider_name",
            "stage",
            "amount",
            "currency",
            "exchange_rate",
            "rate_date",
            "disbursed",
            "to_local_actors",
            "local_channel",
            "local_actors",
            "dated",
            "notes",
            "base_currency",
            "base_amount",
            "base_disbursed",
            "base_to_local_actors",
            "base_disbursed_to_local_actors",
            "version",
            "updated_at",
        ]
        read_only_fields = fields


class CommitmentPatchSerializer(serializers.Serializer):
    """The fields of a commitment changed (those not sent keep their values), as on its
    page's form; ``disbursed`` alone reports the money disbursed to date, as on its
    disbursement page. Read by the pages' own forms and rules: this says the shape, for
    the schema."""

    source = serializers.IntegerField(required=False)
    stage = serializers.ChoiceField(choices=Stage.choices, required=False)
    amount = serializers.DecimalField(
        max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES, required=False
    )
    currency = serializers.CharField(max_length=3, required=False, allow_blank=True)
    exchange_rate = serializers.DecimalField(
        max_digits=RATE_DIGITS, decimal_places=RATE_PLACES, required=False, allow_null=True
    )
    rate_date = serializers.DateField(required=False, allow_null=True)
    disbursed = serializers.DecimalField(
        max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES, required=False
    )
    to_local_actors = serializers.DecimalField(
        max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES, required=False
    )
    local_channel = serializers.ChoiceField(
        choices=LocalChannel.choices, required=False, allow_blank=True
    )
    local_actors = serializers.ListField(child=serializers.IntegerField(), required=False)
    dated = serializers.DateField(required=False)
    notes = serializers.CharField(required=False, allow_blank=True)


class CommitmentInputSerializer(CommitmentPatchSerializer):
    """A commitment recorded: of one of the plan's sources, to one of its interventions
    (every field of the page's form, and the intervention its address names there)."""

    intervention = serializers.IntegerField()
    source = serializers.IntegerField()
    stage = serializers.ChoiceField(choices=Stage.choices)
    amount = serializers.DecimalField(max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES)
    dated = serializers.DateField()


# --- versions, and the adopted versions' public part ---------------------------------------
