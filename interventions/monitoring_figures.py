"""The monitoring page's figures: every indicator of a plan assessed by the on-track rule
(``interventions.monitoring``) and the statuses counted per intervention, per prioritised
target and per lead organisation.

Read in six queries whatever the size of the plan: the interventions, their indicators,
the indicators' target values, their approved values, the prioritised targets and the links from
interventions to them. Dropped interventions are left out. An indicator counts for every
prioritised target its intervention addresses.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from action_plans.models import ActionPlan
from governance.models import Organisation
from interventions.models import (
    TOTAL,
    AddressedTarget,
    Intervention,
    InterventionStatus,
    Progress,
    ProgressStatus,
    ResultIndicator,
    TargetValue,
)
from interventions.monitoring import Actual, Assessment, Status, assess, latest_by_year
from interventions.selectors import accepted_targets

STATUS_ORDER = (Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK, Status.NO_DATA)


@dataclass
class Counts:
    """How many indicators are in each status."""

    by_status: dict[Status, int] = field(default_factory=lambda: dict.fromkeys(STATUS_ORDER, 0))

    def add(self, status: Status) -> None:
        self.by_status[status] += 1

    @property
    def cells(self) -> list[int]:
        return [self.by_status[status] for status in STATUS_ORDER]

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


@dataclass
class AssessedIndicator:
    indicator: ResultIndicator
    assessment: Assessment
    by_year: dict[int, Actual]  # the latest approved total of each year
    targets: dict[int, Decimal] = field(default_factory=dict)  # the target of each year

    @property
    def status(self) -> Status:
        return self.assessment.status

    @property
    def expected(self) -> Decimal | None:
        """The path's value at the latest value's date, to two decimals."""
        expected = self.assessment.expected
        return None if expected is None else expected.quantize(Decimal("0.01"))


@dataclass
class InterventionRollup:
    intervention: Intervention
    indicators: list[AssessedIndicator] = field(default_factory=list)
    counts: Counts = field(default_factory=Counts)


@dataclass
class Rollup:
    """A prioritised target's or a lead organisation's counts: ``name`` says which."""

    code: str
    name: str
    counts: Counts = field(default_factory=Counts)
    organisation: Organisation | None = None  # a lead's counts: the lead (how it is credited)


@dataclass
class PlanMonitoring:
    totals: Counts
    interventions: list[InterventionRollup]
    by_target: list[Rollup]
    by_lead: list[Rollup]


def _indicators(plan: ActionPlan) -> list[ResultIndicator]:
    return list(
        ResultIndicator.objects.filter(intervention__plan=plan)
        .exclude(intervention__status=InterventionStatus.DROPPED)
        .select_related("sdg_indicator__target")
        .order_by("pk")
    )


def _targets(plan: ActionPlan) -> dict[int, list[tuple[int, Decimal]]]:
    """The plan's target values by indicator: plain values, as a prefetch of hundreds of
    indicators' rows costs more than their query."""
    found: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    rows = TargetValue.objects.filter(indicator__intervention__plan=plan).values_list(
        "indicator_id", "year", "value"
    )
    for indicator_id, year, value in rows:
        found[indicator_id].append((year, value))
    return found


def _actuals(plan: ActionPlan, until: date | None = None) -> dict[int, list[Actual]]:
    """The plan's approved values by indicator (only approved values count), measured
    up to ``until`` if given."""
    found: dict[int, list[Actual]] = defaultdict(list)
    approved = Progress.objects.filter(
        indicator__intervention__plan=plan, status=ProgressStatus.APPROVED
    )
    if until is not None:
        approved = approved.filter(measured_on__lte=until)
    rows = approved.values_list(
        "indicator_id", "measured_on", "value", "sex", "age", "migratory_status"
    )
    for indicator_id, measured_on, value, *groups in rows:
        total = all(group == TOTAL for group in groups)
        found[indicator_id].append(Actual(measured_on, value, total=total))
    return found


def assess_indicator(
    indicator: ResultIndicator, targets: list[tuple[int, Decimal]], actuals: list[Actual]
) -> AssessedIndicator:
    """One indicator by the rule, given its target values and its approved values."""
    assessment = assess(
        baseline=(indicator.baseline_year, indicator.baseline_value),
        targets=targets,
        actuals=actuals,
    )
    return AssessedIndicator(indicator, assessment, latest_by_year(actuals), dict(targets))


def plan_monitoring(plan: ActionPlan, until: date | None = None) -> PlanMonitoring:
    """The plan's indicators assessed, and their statuses counted in total, per
    intervention (by title), per prioritised target (in the official order) and per lead
    organisation (by name); as they stood on ``until`` (the values measured by then) if
    given."""
    rollups = {
        intervention.pk: InterventionRollup(intervention)
        for intervention in Intervention.objects.filter(plan=plan)
        .exclude(status=InterventionStatus.DROPPED)
        .select_related("lead_organisation")
        .order_by("title", "pk")
    }
    totals = Counts()
    targets, actuals = _targets(plan), _actuals(plan, until)
    for indicator in _indicators(plan):
        assessed = assess_indicator(indicator, targets[indicator.pk], actuals[indicator.pk])
        rollup = rollups[indicator.intervention_id]
        rollup.indicators.append(assessed)
        rollup.counts.add(assessed.status)
        totals.add(assessed.status)

    by_target = {
        item.pk: Rollup(item.target.code, item.target.title) for item in accepted_targets(plan)
    }
    links = AddressedTarget.objects.filter(
        intervention_id__in=rollups, prioritised_target_id__in=by_target
    ).values_list("prioritised_target_id", "intervention_id")
    for target_id, intervention_id in links:
        for assessed in rollups[intervention_id].indicators:
            by_target[target_id].counts.add(assessed.status)

    by_lead: dict[int, Rollup] = {}
    for rollup in rollups.values():
        lead = rollup.intervention.lead_organisation
        found = by_lead.setdefault(lead.pk, Rollup(lead.acronym, lead.name, organisation=lead))
        for assessed in rollup.indicators:
            found.counts.add(assessed.status)

    return PlanMonitoring(
        totals=totals,
        interventions=list(rollups.values()),
        by_target=list(by_target.values()),
        by_lead=sorted(by_lead.values(), key=lambda item: item.name.lower()),
    )
