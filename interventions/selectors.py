"""Reads for the interventions pages. Each function's query count is fixed, whatever the
number of interventions."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case, F, Prefetch, Q, QuerySet, Value, When

from action_plans.models import ActionPlan
from governance.models import Organisation
from interventions.models import (
    AddressedTarget,
    Comment,
    Intervention,
    InterventionStatus,
    Partner,
    Progress,
    ProgressStatus,
    ResultIndicator,
)
from targets.models import PrioritisedTarget, ProposalStatus

# How the list may be sorted: the sort's name → the order (ties by title).
_STATUS_ORDER = Case(
    *(
        When(status=value, then=Value(index))
        for index, value in enumerate(InterventionStatus.values)
    )
)
INTERVENTION_SORTS = {
    "title": ("title",),
    "lead": ("lead_organisation__name", "title"),
    "sector": ("sector", "title"),
    "start": (F("start_date").asc(nulls_last=True), "title"),
    "cost": (F("estimated_cost").desc(nulls_last=True), "title"),
    "status": (_STATUS_ORDER, "title"),  # in the order of the lifecycle
}


def plan_interventions(
    plan: ActionPlan,
    *,
    sort: str = "title",
    target: PrioritisedTarget | None = None,
    organisation: Organisation | None = None,
    sector: str = "",
    level: str = "",
    status: str = "",
) -> QuerySet[Intervention]:
    """The plan's interventions, filtered, with what the list shows (prefetched)."""
    interventions = Intervention.objects.filter(plan=plan)
    if target is not None:
        interventions = interventions.filter(addressed_targets__prioritised_target=target)
    if organisation is not None:
        interventions = interventions.filter(lead_organisation=organisation) | interventions.filter(
            partners__organisation=organisation
        )
    if sector:
        interventions = interventions.filter(sector=sector)
    if level:
        interventions = interventions.filter(level=level)
    if status:
        interventions = interventions.filter(status=status)
    return (
        interventions.distinct()
        .select_related("lead_organisation")
        .prefetch_related(
            Prefetch(
                "addressed_targets",
                queryset=AddressedTarget.objects.select_related("prioritised_target__target"),
            ),
            Prefetch("partners", queryset=Partner.objects.select_related("organisation")),
        )
        .order_by(*INTERVENTION_SORTS.get(sort, INTERVENTION_SORTS["title"]), "pk")
    )


def intervention_in_detail() -> QuerySet[Intervention]:
    """An intervention with everything its page shows."""
    return Intervention.objects.select_related("lead_organisation").prefetch_related(
        Prefetch(
            "addressed_targets",
            queryset=AddressedTarget.objects.select_related("prioritised_target__target").order_by(
                "prioritised_target__target__position"
            ),
        ),
        Prefetch("partners", queryset=Partner.objects.select_related("organisation")),
        "beneficiaries",
        Prefetch("comments", queryset=Comment.objects.select_related("author", "organisation")),
        Prefetch(
            "indicators",
            queryset=ResultIndicator.objects.select_related(
                "sdg_indicator", "reporting_organisation"
            ).prefetch_related(
                "target_values",
                Prefetch(
                    "progress",
                    queryset=Progress.objects.select_related("submitted_by", "reviewed_by"),
                ),
            ),
        ),
    )


def interventions_for_results() -> QuerySet[Intervention]:
    """Interventions as the results framework pages fetch them: with their lead (whose
    organisation owns them)."""
    return Intervention.objects.select_related("lead_organisation")


def indicators_of(intervention: Intervention) -> QuerySet[ResultIndicator]:
    """An intervention's indicators, with what their pages show and their rules ask."""
    return (
        ResultIndicator.objects.filter(intervention=intervention)
        # the intervention, for the owners ``PROGRESS_RECORD`` asks about
        .select_related("intervention", "sdg_indicator", "reporting_organisation")
        .prefetch_related("target_values")
    )


def progress_of(indicator: ResultIndicator) -> QuerySet[Progress]:
    return Progress.objects.filter(indicator=indicator).select_related(
        "submitted_by", "reviewed_by"
    )


def progress_for_review() -> QuerySet[Progress]:
    """Progress values as their review page reads them: with the indicator, its
    intervention and who submitted and reviewed them."""
    return Progress.objects.select_related(
        "indicator__intervention__lead_organisation",
        "indicator__reporting_organisation",
        "indicator__sdg_indicator",
        "submitted_by",
        "reviewed_by",
    )


def progress_waiting(plan: ActionPlan, *, organisation_id: int | None = None) -> QuerySet[Progress]:
    """The plan's values waiting for review, oldest submission first; only those the
    organisation reports or whose intervention it leads, when given."""
    waiting = progress_for_review().filter(
        indicator__intervention__plan=plan, status=ProgressStatus.SUBMITTED
    )
    if organisation_id is not None:
        waiting = waiting.filter(
            Q(indicator__reporting_organisation_id=organisation_id)
            | Q(indicator__intervention__lead_organisation_id=organisation_id)
        )
    return waiting.order_by("submitted_at", "pk")


def progress_waiting_count(plan: ActionPlan) -> int:
    return Progress.objects.filter(
        indicator__intervention__plan=plan, status=ProgressStatus.SUBMITTED
    ).count()


def accepted_targets(
    plan: ActionPlan, *, among: Iterable[PrioritisedTarget] | None = None
) -> QuerySet[PrioritisedTarget]:
    """The plan's prioritised targets (accepted proposals), in the official order; only
    those ``among``, when given."""
    targets = plan.prioritised_targets.filter(status=ProposalStatus.ACCEPTED)
    if among is not None:
        targets = targets.filter(pk__in=[item.pk for item in among])
    return targets.select_related("target").order_by("target__position")


def commenting_organisation(
    intervention: Intervention, acting_for: Iterable[int]
) -> Organisation | None:
    """The organisation a comment on ``intervention`` is made for: of those the user
    acts for (``acting_for``), its lead or one of its partners, the first by name (None
    when the user comments for none of them). ``intervention`` comes with its partners,
    as ``intervention_in_detail`` reads it."""
    own = set(acting_for) & (
        {intervention.lead_organisation_id}
        | {partner.organisation_id for partner in intervention.partners.all()}
    )
    return Organisation.objects.filter(pk__in=own).order_by("name").first()


def participants(plan: ActionPlan) -> QuerySet[Organisation]:
    return Organisation.objects.filter(participations__plan=plan).order_by("name")


@dataclass(frozen=True)
class Covering:
    """An intervention as the coverage view names it: plain values, read in one query."""

    pk: int
    title: str
    lead: str
    status: str  # its label


@dataclass
class CoverageRow:
    prioritised: PrioritisedTarget
    interventions: list[Covering]


def coverage(plan: ActionPlan) -> list[CoverageRow]:
    """Each prioritised target with the interventions addressing it (dropped ones left
    out): two queries, and plain values rather than records, so that a plan with hundreds
    of interventions still answers quickly."""
    rows = {item.pk: CoverageRow(item, []) for item in accepted_targets(plan)}
    statuses = dict(InterventionStatus.choices)
    links = (
        AddressedTarget.objects.filter(intervention__plan=plan, prioritised_target__in=rows)
        .exclude(intervention__status=InterventionStatus.DROPPED)
        .order_by("intervention__title", "intervention_id")
        .values_list(
            "prioritised_target_id",
            "intervention_id",
            "intervention__title",
            "intervention__lead_organisation__acronym",
            "intervention__lead_organisation__name",
            "intervention__status",
        )
    )
    for target_id, pk, title, acronym, name, status in links:
        rows[target_id].interventions.append(
            Covering(pk=pk, title=title, lead=acronym or name, status=str(statuses[status]))
        )
    return list(rows.values())
