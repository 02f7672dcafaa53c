"""Reads from the targets app."""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Count, Exists, OuterRef, Prefetch, Q, QuerySet, Value, When

from action_plans.models import ActionPlan
from governance.models import Organisation
from msd_planner.lib.translation import active_content_language
from targets.models import (
    Coherence,
    Consultation,
    FollowedIndicator,
    Framework,
    FrameworkAssessment,
    Goal,
    Indicator,
    MigrationRelevance,
    PrioritisedTarget,
    ProposalStatus,
    ScoringCriterion,
    Target,
)
from targets.ranking import Rankable, rank, shared_ranks, weighted_score

_GOAL_CODE = re.compile(r"^\d{1,2}$")
_TARGET_CODE = re.compile(r"^\d{1,2}\.(?:\d{1,2}|[a-z])$")
_INDICATOR_CODE = re.compile(r"^\d{1,2}\.(?:\d{1,2}|[a-z])\.\d{1,2}$")

RELEVANCE_FILTERS = {
    "migration": [MigrationRelevance.EXPLICIT, MigrationRelevance.CROSS_CUTTING],
    MigrationRelevance.EXPLICIT: [MigrationRelevance.EXPLICIT],
    MigrationRelevance.CROSS_CUTTING: [MigrationRelevance.CROSS_CUTTING],
}


# A search is bounded: each word costs a scan of the targets' and indicators' titles, and
# 400 words took 48 s. The search forms say so; the selectors cut to the bound whoever
# calls them, and drop null characters, which PostgreSQL refuses in a query.
SEARCH_MAX_LENGTH = 200
SEARCH_MAX_WORDS = 8


def search_words(query: str) -> list[str]:
    """The distinct words of a search, lower-cased, in the order typed."""
    return list(dict.fromkeys(query.lower().split()))


def _matching_query(query: str) -> Q:
    """Targets matching a code (goal, target or indicator) or all the words of a text
    (the first ``SEARCH_MAX_WORDS`` distinct words of its first ``SEARCH_MAX_LENGTH``
    characters)."""
    query = query.replace("\x00", "")[:SEARCH_MAX_LENGTH].strip().lower()
    if _GOAL_CODE.match(query):
        return Q(goal__number=int(query))
    if _TARGET_CODE.match(query):
        return Q(code=query)
    if _INDICATOR_CODE.match(query):
        return Q(indicators__code=query)
    language = active_content_language()
    title_fields = {"title_en", f"title_{language}"}
    condition = Q()
    for word in search_words(query)[:SEARCH_MAX_WORDS]:
        in_target = Q()
        in_indicator = Q()
        for name in title_fields:
            in_target |= Q(**{f"{name}__icontains": word})
            in_indicator |= Q(**{f"{name}__icontains": word})
        indicator_matches = Exists(Indicator.objects.filter(in_indicator, target=OuterRef("pk")))
        condition &= in_target | indicator_matches
    return condition  # type: ignore[return-value]  # Q | Exists is a Q; django-stubs: Combinable


def catalogue_targets(*, query: str = "", relevance: str = "") -> QuerySet[Target]:
    """Targets in official order, filtered by words/code and migration relevance."""
    targets = Target.objects.all()
    if relevance:
        targets = targets.filter(migration_relevance__in=RELEVANCE_FILTERS[relevance])
    if query.replace("\x00", "").strip():
        targets = targets.filter(_matching_query(query)).distinct()
    return targets.order_by("position")


def catalogue_goals(*, query: str = "", relevance: str = "") -> list[Goal]:
    """Goals that have matching targets, each with ``matching_targets`` and their indicators.

    Three queries whatever the size of the catalogue.
    """
    targets = catalogue_targets(query=query, relevance=relevance).prefetch_related(
        Prefetch("indicators", queryset=Indicator.objects.order_by("position"))
    )
    goals = Goal.objects.filter(Exists(targets.filter(goal=OuterRef("pk")))).prefetch_related(
        Prefetch("targets", queryset=targets, to_attr="matching_targets")
    )
    return list(goals.order_by("number"))


# --- a plan's prioritised targets ------------------------------------------------------


@dataclass
class RankedTarget:
    rank: int  # shared by targets tied on an equal weighted score
    prioritised: PrioritisedTarget
    score: Decimal | None
    scores: dict[int, int]  # criterion id → score
    tied: bool = False
    tied_with: list[PrioritisedTarget] = field(default_factory=list)

    @property
    def tied_codes(self) -> list[str]:
        return [other.target.code for other in self.tied_with]


def ranked_targets(plan: ActionPlan) -> tuple[list[ScoringCriterion], list[RankedTarget]]:
    """The plan's criteria and its accepted targets in rank order (four queries)."""
    criteria = list(plan.scoring_criteria.all())
    weights = {criterion.id: criterion.weight for criterion in criteria}
    prioritised = list(
        plan.prioritised_targets.filter(status=ProposalStatus.ACCEPTED)
        .select_related("target", "responsible_organisation")
        .annotate(assessment_count=Count("assessments"))
        .prefetch_related(
            "scores",
            Prefetch("indicators", queryset=FollowedIndicator.objects.select_related("indicator")),
        )
    )
    by_id = {item.id: item for item in prioritised}
    scores = {
        item.id: {score.criterion_id: score.score for score in item.scores.all()}
        for item in prioritised
    }
    rankables = [
        Rankable(
            key=item.id,
            score=weighted_score(scores[item.id], weights),
            official_position=item.target.position,
            rank_override=item.rank_override,
        )
        for item in prioritised
    ]
    ranked = [
        RankedTarget(
            rank=shared_rank,
            prioritised=by_id[rankable.key],
            score=rankable.score,
            scores=scores[rankable.key],
            tied=tied,
        )
        for shared_rank, tied, rankable in shared_ranks(rank(rankables))
    ]
    ties: dict[int, list[RankedTarget]] = {}
    for entry in ranked:
        if entry.tied:
            ties.setdefault(entry.rank, []).append(entry)
    for group in ties.values():
        for entry in group:
            entry.tied_with = [other.prioritised for other in group if other is not entry]
    return criteria, ranked


def pending_proposals(plan: ActionPlan) -> QuerySet[PrioritisedTarget]:
    return plan.prioritised_targets.filter(status=ProposalStatus.PROPOSED).select_related(
        "target", "proposed_by", "proposed_by_organisation"
    )


def declined_proposals(plan: ActionPlan) -> QuerySet[PrioritisedTarget]:
    """Decided proposals that were declined, newest first, for the proposer to see why."""
    return (
        plan.prioritised_targets.filter(status=ProposalStatus.DECLINED)
        .select_related("target", "proposed_by", "proposed_by_organisation")
        .order_by("-updated_at", "-id")
    )


def plan_criteria(plan: ActionPlan) -> list[ScoringCriterion]:
    return list(plan.scoring_criteria.all())


def target_scores(prioritised_target: PrioritisedTarget) -> dict[int, int]:
    """Criterion id → score of one prioritised target."""
    return dict(prioritised_target.scores.values_list("criterion_id", "score"))


def responsible_organisation_choices(
    plan: ActionPlan, current_id: int | None
) -> QuerySet[Organisation]:
    """Organisations taking part in the plan, and the current one even if it has left."""
    return (
        Organisation.objects.filter(Q(participations__plan=plan) | Q(pk=current_id))
        .distinct()
        .order_by("name")
    )


def prioritised_targets_in_detail(*, status: str | None = None) -> QuerySet[PrioritisedTarget]:
    """Prioritised targets (of that status, when given) with what their page shows; the
    access helper narrows them to one plan's."""
    items = PrioritisedTarget.objects.all()
    if status is not None:
        items = items.filter(status=status)
    return items.select_related(
        "target", "responsible_organisation", "proposed_by", "proposed_by_organisation"
    ).prefetch_related(
        Prefetch("indicators", queryset=FollowedIndicator.objects.select_related("indicator")),
        Prefetch(
            "assessments",
            queryset=FrameworkAssessment.objects.select_related("framework"),
        ),
        "target__indicators",
    )


def followed_indicators_of(prioritised_target: PrioritisedTarget) -> QuerySet[FollowedIndicator]:
    return prioritised_target.indicators.select_related("indicator")


_RELEVANCE_FIRST = Case(
    When(migration_relevance=MigrationRelevance.EXPLICIT, then=Value(0)),
    When(migration_relevance=MigrationRelevance.CROSS_CUTTING, then=Value(1)),
    default=Value(2),
)


def target_picker(plan: ActionPlan, *, query: str = "") -> QuerySet[Target]:
    """Catalogue targets not yet in the plan (a declined one may be proposed again),
    migration-relevant ones first.

    Without a query only the migration-relevant targets are offered.
    """
    targets = catalogue_targets(query=query, relevance="" if query.strip() else "migration")
    in_plan = PrioritisedTarget.objects.filter(plan=plan, target=OuterRef("pk")).exclude(
        status=ProposalStatus.DECLINED
    )
    return (
        targets.exclude(Exists(in_plan))
        .annotate(relevance_order=_RELEVANCE_FIRST)
        .order_by("relevance_order", "position")
    )


# --- the coherence matrix ---------------------------------------------------------------


@dataclass
class CoherenceMatrix:
    targets: list[PrioritisedTarget]
    frameworks: list[Framework]
    cells: dict[tuple[int, int], tuple[str, str]]  # (target id, framework id) → (coherence, note)
    unreviewed: set[int]  # prioritised target ids no framework was assessed against

    def rows(self):
        """(target, [cell or None for each framework]) for the template.

        Cells carry ready-made text, each label translated once: a 60 × 40 matrix is
        2,400 cells to render.
        """
        labels = {value: str(label) for value, label in Coherence.choices}
        cells = {
            key: MatrixCell(coherence, labels[coherence], note)
            for key, (coherence, note) in self.cells.items()
        }
        for target in self.targets:
            yield target, [cells.get((target.id, item.id)) for item in self.frameworks]


@dataclass(frozen=True)
class MatrixCell:
    coherence: str
    label: str
    note: str


def coherence_matrix(plan: ActionPlan, *, kind: str = "", coherence: str = "") -> CoherenceMatrix:
    """Prioritised targets × existing frameworks with their assessments (three queries)."""
    targets = list(
        plan.prioritised_targets.filter(status=ProposalStatus.ACCEPTED)
        .select_related("target")
        .order_by("target__position")
    )
    frameworks = plan.frameworks.select_related("owner")
    if kind:
        frameworks = frameworks.filter(kind=kind)
    frameworks = list(frameworks)
    assessments = FrameworkAssessment.objects.filter(framework__plan=plan)
    every_reviewed = set(assessments.values_list("prioritised_target_id", flat=True).distinct())
    shown = assessments.filter(framework__in=[framework.id for framework in frameworks])
    if coherence:
        shown = shown.filter(coherence=coherence)
    cells = {
        (target_id, framework_id): (coherence, note)
        for target_id, framework_id, coherence, note in shown.values_list(
            "prioritised_target_id", "framework_id", "coherence", "note"
        )
    }
    return CoherenceMatrix(
        targets=targets,
        frameworks=frameworks,
        cells=cells,
        unreviewed={target.id for target in targets} - every_reviewed,
    )


def frameworks_with_owner() -> QuerySet[Framework]:
    return Framework.objects.select_related("owner")


def framework_assessment_rows(
    framework: Framework,
) -> tuple[list[PrioritisedTarget], dict[int, FrameworkAssessment]]:
    """The plan's prioritised targets and this framework's assessments of them, by target id."""
    targets = list(
        framework.plan.prioritised_targets.filter(status=ProposalStatus.ACCEPTED)
        .select_related("target")
        .order_by("target__position")
    )
    existing = {item.prioritised_target_id: item for item in framework.assessments.all()}
    return targets, existing


# --- the consultation log ------------------------------------------------------------


def plan_consultations(plan: ActionPlan, *, kind: str = "") -> QuerySet[Consultation]:
    """The plan's consultation log, newest first, with its links (fixed query count)."""
    return plan.consultations.with_links().of_kind(kind)


def consultations_with_links() -> QuerySet[Consultation]:
    """Consultations with who was present and what they concerned; the access helper
    narrows them to one plan's."""
    return Consultation.objects.with_links()


def plans_prioritised_target_counts(plans, user) -> dict[int, int]:
    """How many targets each plan has prioritised (accepted), one query; for the plans
    list (registered in apps.py)."""
    return dict(
        PrioritisedTarget.objects.filter(plan__in=plans, status=ProposalStatus.ACCEPTED)
        .order_by()
        .values("plan_id")
        .annotate(count=Count("id"))
        .values_list("plan_id", "count")
    )
