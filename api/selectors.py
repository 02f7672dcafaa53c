"""What the API reads: each endpoint's rows with what it shows, in a fixed number of
queries whatever the number of rows."""

from django.db.models import Prefetch, QuerySet

from action_plans.models import ActionPlan
from action_plans.selectors import plans_visible_to
from api.models import ApiToken
from funding.models import Commitment, FundingSource
from funding.selectors import interventions_for_funding
from governance.models import User
from interventions.models import Intervention, Progress, ProgressStatus, ResultIndicator
from msd_planner.lib.types import AnyUser


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


def plan_interventions_with_results(plan: ActionPlan) -> QuerySet[Intervention]:
    return interventions_with_results().filter(plan=plan)


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


# --- funding sources and commitments -------------------------------------------------------


def plan_sources(plan: ActionPlan) -> QuerySet[FundingSource]:
    """The plan's funding sources with their provider, as the sources page lists them."""
    return sources_with_provider().filter(plan=plan)


def sources_with_provider() -> QuerySet[FundingSource]:
    """Funding sources with their provider; the access helper narrows them to one plan's."""
    return FundingSource.objects.select_related("provider").order_by("pk")


def commitments_in_detail() -> QuerySet[Commitment]:
    """Commitments with their source's provider, intervention, plan (its base currency)
    and local actors; the access helper narrows them to one plan's."""
    return Commitment.objects.in_detail().order_by("pk")


def plan_commitments(plan: ActionPlan) -> QuerySet[Commitment]:
    """The commitments to the plan's interventions."""
    return commitments_in_detail().filter(intervention__plan=plan)


def interventions_to_fund(plan: ActionPlan) -> QuerySet[Intervention]:
    """The plan's interventions a commitment may be recorded to, as the funding pages
    fetch them (``funding.selectors.interventions_for_funding``)."""
    return interventions_for_funding().filter(plan=plan)


# --- versions, and the adopted versions' public part ---------------------------------------
