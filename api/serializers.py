"""What the API answers (and, for the schema, what it reads). Codes, not words: a
choice is its stored value; the schema lists the values."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
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
from api.selectors import PARTICIPANT
from funding.models import Commitment, FundingSource, LocalChannel, SourceKind, Stage
from governance.models import (
    LEADERSHIP,
    CreditPreference,
    LeadBodyKind,
    OrganisationLevel,
    OrganisationType,
    Participation,
)
from interventions.models import (
    AgeGroup,
    Intervention,
    MigratoryStatus,
    Progress,
    ResultIndicator,
    Sex,
)
from msd_planner.lib.money import MONEY_DIGITS, MONEY_PLACES, RATE_DIGITS, RATE_PLACES
from open_data.selectors import PUBLISHED
from targets.models import (
    Coherence,
    FollowedIndicator,
    Framework,
    FrameworkAssessment,
    FrameworkKind,
    FrameworkLevel,
    PrioritisedTarget,
    ProposalStatus,
)
from targets.selectors import RankedTarget


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
    the reviewer's comment; the address of its evidence file, if it has one. Its
    ``version`` is its ETag. Its context names the request and the plan's ``plan_pk``."""

    evidence = serializers.SerializerMethodField()

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
            "evidence",
        ]
        read_only_fields = fields

    @extend_schema_field({"type": ["string", "null"], "format": "uri"})
    def get_evidence(self, progress: Progress) -> str | None:
        if not progress.evidence:
            return None
        return self.context["request"].build_absolute_uri(
            reverse(
                "api_progress_evidence",
                kwargs={
                    "pk": self.context["plan_pk"],
                    "indicator_pk": progress.indicator_id,
                    "progress_pk": progress.pk,
                },
            )
        )


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


class FollowedIndicatorSerializer(serializers.ModelSerializer):
    """An indicator a target is followed by: a global SDG indicator (its code), or a
    national proxy (its name and unit)."""

    sdg_indicator = serializers.CharField(source="indicator.code", allow_null=True, default=None)

    class Meta:
        model = FollowedIndicator
        fields = ["id", "sdg_indicator", "proxy_name", "proxy_unit"]
        read_only_fields = fields


class TargetAssessmentSerializer(serializers.ModelSerializer):
    """How an existing framework relates to the target."""

    framework_name = serializers.CharField(source="framework.name")
    coherence = serializers.ChoiceField(choices=Coherence.choices)

    class Meta:
        model = FrameworkAssessment
        fields = ["framework", "framework_name", "coherence", "note"]
        read_only_fields = fields


class TargetScoreSerializer(serializers.Serializer):
    """A target's score on one of the plan's criteria, with the criterion's weight."""

    criterion = serializers.CharField()
    weight = serializers.DecimalField(max_digits=5, decimal_places=2)
    score = serializers.IntegerField()


class PrioritisedTargetSerializer(serializers.ModelSerializer):
    """A target of the plan as the targets page shows it: prioritised (``accepted``),
    with its rank, weighted score and scores on the plan's criteria; or proposed and
    awaiting a coordinator, or declined (no rank, no scores)."""

    target = serializers.CharField(source="target.code")
    goal = serializers.IntegerField(source="target.goal.number")
    status = serializers.ChoiceField(choices=ProposalStatus.choices)
    responsible_organisation = serializers.CharField(
        source="responsible_organisation.name", allow_null=True, default=None
    )
    rank = serializers.SerializerMethodField()
    tied = serializers.SerializerMethodField()
    weighted_score = serializers.SerializerMethodField()
    scores = serializers.SerializerMethodField()
    indicators = FollowedIndicatorSerializer(many=True, read_only=True)
    assessments = TargetAssessmentSerializer(many=True, read_only=True)
    proposed_by = serializers.CharField(allow_null=True)
    proposed_by_organisation = serializers.CharField(
        source="proposed_by_organisation.name", allow_null=True, default=None
    )

    class Meta:
        model = PrioritisedTarget
        fields = [
            "id",
            "target",
            "goal",
            "status",
            "rationale",
            "local_adaptation",
            "responsible_organisation",
            "baseline_value",
            "baseline_unit",
            "baseline_year",
            "baseline_source",
            "rank",
            "tied",
            "weighted_score",
            "rank_override",
            "rank_override_reason",
            "scores",
            "indicators",
            "assessments",
            "proposed_by",
            "proposed_by_organisation",
            "decision_comment",
            "version",
            "updated_at",
        ]
        read_only_fields = fields

    def _ranked(self, item: PrioritisedTarget) -> RankedTarget | None:
        """Its place in the plan's ranking (``context["ranking"]``, from
        ``selectors.target_ranking``): None for a proposal."""
        return self.context["ranking"].by_target.get(item.id)

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_rank(self, item: PrioritisedTarget) -> int | None:
        """Shared by targets tied on an equal weighted score (then ``tied``)."""
        ranked = self._ranked(item)
        return ranked.rank if ranked else None

    @extend_schema_field(serializers.BooleanField())
    def get_tied(self, item: PrioritisedTarget) -> bool:
        ranked = self._ranked(item)
        return bool(ranked and ranked.tied)

    @extend_schema_field(serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True))
    def get_weighted_score(self, item: PrioritisedTarget) -> str | None:
        """Null until the target is scored on every weighted criterion."""
        ranked = self._ranked(item)
        return None if ranked is None or ranked.score is None else f"{ranked.score:.2f}"

    @extend_schema_field(TargetScoreSerializer(many=True))
    def get_scores(self, item: PrioritisedTarget) -> list[dict]:
        ranked = self._ranked(item)
        if ranked is None:
            return []
        return TargetScoreSerializer(
            [
                {"criterion": criterion.name, "weight": criterion.weight, "score": score}
                for criterion in self.context["ranking"].criteria
                if (score := ranked.scores.get(criterion.id)) is not None
            ],
            many=True,
        ).data


class FrameworkAssessmentSerializer(serializers.ModelSerializer):
    """How the framework relates to one of the plan's prioritised targets."""

    target = serializers.CharField(source="prioritised_target.target.code")
    coherence = serializers.ChoiceField(choices=Coherence.choices)

    class Meta:
        model = FrameworkAssessment
        fields = ["prioritised_target", "target", "coherence", "note"]
        read_only_fields = fields


class FrameworkSerializer(serializers.ModelSerializer):
    """An existing framework reviewed for the plan, with its assessments against the
    plan's prioritised targets (the coherence matrix's column)."""

    kind = serializers.ChoiceField(choices=FrameworkKind.choices)
    level = serializers.ChoiceField(choices=FrameworkLevel.choices)
    owner = serializers.CharField(source="owner.name", allow_null=True, default=None)
    assessments = FrameworkAssessmentSerializer(many=True, read_only=True)

    class Meta:
        model = Framework
        fields = [
            "id",
            "name",
            "kind",
            "level",
            "owner",
            "period_start_year",
            "period_end_year",
            "reference",
            "version",
            "assessments",
        ]
        read_only_fields = fields


PART_CHOICES = [*LeadBodyKind.choices, (PARTICIPANT, _("Participant"))]
LEADERSHIP_CHOICES = list(LEADERSHIP.items())


class ParticipantSerializer(serializers.ModelSerializer):
    """An organisation taking part in the plan, as the plan's governance page and the
    organisation's own page show it to whoever sees the plan: its part in the plan, its
    localisation attributes, whether its signature is required and its signatories
    (their names; the members' list and their emails are for its coordinators only)."""

    organisation = serializers.IntegerField(source="organisation.id")
    name = serializers.CharField(source="organisation.name")
    acronym = serializers.CharField(source="organisation.acronym")
    type = serializers.ChoiceField(source="organisation.type", choices=OrganisationType.choices)
    level = serializers.ChoiceField(source="organisation.level", choices=OrganisationLevel.choices)
    country = serializers.CharField(source="organisation.country.code")
    iati_identifier = serializers.CharField(source="organisation.iati_identifier")
    part = serializers.ChoiceField(source="lead_kind", choices=PART_CHOICES)
    is_local_actor = serializers.BooleanField(source="organisation.is_local_actor")
    leadership = serializers.ListField(
        source="organisation.leadership_flags",
        child=serializers.ChoiceField(choices=LEADERSHIP_CHOICES),
    )
    credit_preference = serializers.ChoiceField(
        source="organisation.credit_preference", choices=CreditPreference.choices
    )
    signatories = serializers.SerializerMethodField()

    class Meta:
        model = Participation
        fields = [
            "id",
            "organisation",
            "name",
            "acronym",
            "type",
            "level",
            "country",
            "iati_identifier",
            "part",
            "is_local_actor",
            "leadership",
            "credit_preference",
            "signatory_required",
            "signatories",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_signatories(self, participation: Participation) -> list[str]:
        """The names of its active signatories (prefetched by ``participants_for_api``)."""
        signatories = participation.organisation.active_signatories  # type: ignore[attr-defined]
        return [str(membership.user) for membership in signatories]


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
