"""What the API reads: each endpoint's rows with what it shows, in a fixed number of
queries whatever the number of rows."""

from dataclasses import dataclass
from typing import TypeVar

from django.db.models import Model, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from action_plans.models import ActionPlan
from action_plans.selectors import plans_visible_to
from api.models import ApiToken
from funding.models import Commitment, FundingSource
from funding.selectors import interventions_for_funding
from governance.models import LeadBody, Membership, Participation, Role, User
from interventions.models import Intervention, Progress, ProgressStatus, ResultIndicator
from msd_planner.lib.types import AnyUser
from targets.models import (
    FollowedIndicator,
    Framework,
    FrameworkAssessment,
    PrioritisedTarget,
    ScoringCriterion,
)
from targets.selectors import RankedTarget, ranked_targets

PlanRecordT = TypeVar("PlanRecordT", bound=Model)
# An organisation taking part in a plan that is neither a lead body nor an adviser.
PARTICIPANT = "participant"


def plans_for_api(user: AnyUser) -> QuerySet[ActionPlan]:
    """The plans the user sees, exactly as the plans list (``plans_visible_to``)."""
    return plans_visible_to(user)


def _indicators_with_approved_progress() -> Prefetch:
    return Prefetch(
        "indicators",
        queryset=ResultIndicator.objects.select_related(
            "sdg_indicator", "reporting_organisation"
        ).prefetch_related(
            Prefetch(
                "progress",
                queryset=Progress.objects.filter(status=ProgressStatus.APPROVED),
                to_attr="approved_progress",
            )
        ),
    )


def interventions_with_results() -> QuerySet[Intervention]:
    """Interventions with their lead, indicators and the approved progress of each."""
    return (
        Intervention.objects.select_related("lead_organisation")
        .prefetch_related(_indicators_with_approved_progress())
        .order_by("pk")
    )


def indicators_for_progress() -> QuerySet[ResultIndicator]:
    """Indicators as progress is recorded on them: with the intervention and its lead
    (whose organisation ``PROGRESS_RECORD`` and ``INTERVENTION_EDIT`` ask about)."""
    return ResultIndicator.objects.select_related("intervention__lead_organisation")


def progress_of_indicator(indicator_pk: int) -> QuerySet[Progress]:
    """One indicator's progress values, each with its indicator and intervention."""
    return Progress.objects.filter(indicator_id=indicator_pk).select_related(
        "indicator__intervention__lead_organisation"
    )


def tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def token_of(user: User, pk: int) -> ApiToken | None:
    """One of the user's own tokens (another's is not found)."""
    return tokens_of(user).filter(pk=pk).first()


def token_by_secret_hash(key_hash: str) -> ApiToken | None:
    """The live token whose secret has this hash, with its user."""
    return (
        ApiToken.objects.filter(key_hash=key_hash, revoked_at__isnull=True)
        .select_related("user")
        .first()
    )


# --- prioritised targets, frameworks and assessments, organisations ------------------------


def of_plan(
    records: QuerySet[PlanRecordT], plan: ActionPlan, plan_field: str = "plan"
) -> QuerySet[PlanRecordT]:
    """A plan's own records, among ``records`` (each naming its plan by ``plan_field``)."""
    return records.filter(**{plan_field: plan})


def prioritised_targets_for_api() -> QuerySet[PrioritisedTarget]:
    """Prioritised targets (proposals and declined ones too, as the targets page lists
    them) with their SDG target and goal, organisations, followed indicators and the
    frameworks assessed against them; ``of_plan`` narrows them to one plan's."""
    return PrioritisedTarget.objects.select_related(
        "target__goal", "responsible_organisation", "proposed_by", "proposed_by_organisation"
    ).prefetch_related(
        Prefetch(
            "indicators",
            queryset=FollowedIndicator.objects.select_related("indicator").order_by("pk"),
        ),
        Prefetch(
            "assessments",
            queryset=FrameworkAssessment.objects.select_related("framework").order_by(
                "framework__name", "pk"
            ),
        ),
    )


@dataclass(frozen=True)
class TargetRanking:
    """The plan's scoring criteria and its prioritised (accepted) targets as ranked, by
    prioritised target id: a proposal has no rank."""

    criteria: list[ScoringCriterion]
    by_target: dict[int, RankedTarget]


def target_ranking(plan: ActionPlan) -> TargetRanking:
    """The ranks, weighted scores and scores the targets page shows (``ranked_targets``:
    four queries, however many targets)."""
    criteria, ranked = ranked_targets(plan)
    return TargetRanking(criteria, {entry.prioritised.id: entry for entry in ranked})


def frameworks_for_api() -> QuerySet[Framework]:
    """Existing frameworks with their owner and their assessments, in the official order
    of the targets assessed; ``of_plan`` narrows them to one plan's."""
    return Framework.objects.select_related("owner").prefetch_related(
        Prefetch(
            "assessments",
            queryset=FrameworkAssessment.objects.select_related(
                "prioritised_target__target"
            ).order_by("prioritised_target__target__position"),
        )
    )


def participants_for_api() -> QuerySet[Participation]:
    """Participations with their organisation, its part in the plan (``lead_kind``: lead
    body, technical adviser, or participant) and its active signatories, as the plan's
    governance page shows them; ``of_plan`` narrows them to one plan's."""
    lead_kind = LeadBody.objects.filter(
        arrangement__plan=OuterRef("plan"), organisation=OuterRef("organisation")
    ).values("kind")[:1]
    return (
        Participation.objects.select_related("organisation")
        .annotate(lead_kind=Coalesce(Subquery(lead_kind), Value(PARTICIPANT)))
        .prefetch_related(
            Prefetch(
                "organisation__memberships",
                queryset=Membership.objects.filter(
                    role=Role.SIGNATORY, user__is_active=True
                ).select_related("user"),
                to_attr="active_signatories",
            )
        )
    )


# --- funding sources and commitments -------------------------------------------------------


def sources_with_provider() -> QuerySet[FundingSource]:
    """Funding sources with their provider; the access helper narrows them to one plan's."""
    return FundingSource.objects.select_related("provider").order_by("pk")


def commitments_in_detail() -> QuerySet[Commitment]:
    """Commitments with their source's provider, intervention, plan (its base currency)
    and local actors; the access helper narrows them to one plan's."""
    return Commitment.objects.in_detail().order_by("pk")


def interventions_to_fund(plan: ActionPlan) -> QuerySet[Intervention]:
    """The plan's interventions a commitment may be recorded to, as the funding pages
    fetch them (``funding.selectors.interventions_for_funding``)."""
    return interventions_for_funding().filter(plan=plan)
