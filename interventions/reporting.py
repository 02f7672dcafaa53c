"""What each organisation owes a monitored plan, quarter by quarter: the values due now
(for the reminders) and those overdue (for those who lead monitoring).

A plan is monitored once it has an official (adopted) version, and stays so while a
revision is drafted, validated and adopted. Monitoring starts on the later of the first
adoption's date and the first day of the plan period; the quarter it starts in is the
first to report, the last quarter of the plan period the last.

An indicator owes a value for every such quarter in which its intervention is in the plan
(in the plan, under way or completed: not proposed, designed or dropped) and within the
intervention's timeline, when it has one. The value owed is the total, for the whole
population: one submitted or approved for the quarter settles it (values by group do
not, and a returned one is still owed). A quarter that ended without it is overdue. The
organisation that owes it is the indicator's reporting organisation, else the
intervention's lead organisation.

``reporting_duties`` reads a plan's duties in three queries; the rest are pure
functions of them and of a date.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Min, Q

from action_plans.models import ActionPlan, PlanVersion, VersionStatus
from interventions.models import (
    HOLDS_ITS_PERIOD,
    TOTAL,
    InterventionStatus,
    Progress,
    ResultIndicator,
    quarter_label,
    quarter_of,
)

Quarter = tuple[int, int]  # (year, quarter 1 to 4)

# An intervention in these statuses reports on its indicators.
REPORTING_STATUSES = (
    InterventionStatus.IN_PLAN,
    InterventionStatus.UNDER_WAY,
    InterventionStatus.COMPLETED,
)


def quarter_first_day(quarter: Quarter) -> date:
    year, number = quarter
    return date(year, 3 * number - 2, 1)


def quarter_last_day(quarter: Quarter) -> date:
    year, number = quarter
    return date(year + number // 4, 3 * number % 12 + 1, 1) - timedelta(days=1)


def next_quarter(quarter: Quarter) -> Quarter:
    year, number = quarter
    return (year + 1, 1) if number == 4 else (year, number + 1)


def previous_quarter(quarter: Quarter) -> Quarter:
    year, number = quarter
    return (year - 1, 4) if number == 1 else (year, number - 1)


def quarters(first: Quarter, last: Quarter) -> Iterator[Quarter]:
    """The quarters from ``first`` to ``last``, both included (none if ``last`` is earlier)."""
    current = first
    while current <= last:
        yield current
        current = next_quarter(current)


@dataclass(frozen=True)
class Duty:
    """An indicator that owes a total value each quarter from ``first`` to ``last``;
    ``reported``: the quarters settled by a submitted or approved total."""

    indicator_id: int
    indicator_label: str
    intervention_id: int
    intervention_title: str
    organisation_id: int
    organisation_name: str
    first: Quarter
    last: Quarter
    reported: frozenset[Quarter]

    def owes(self, quarter: Quarter) -> bool:
        """Whether a value for ``quarter`` is owed and not yet submitted."""
        return self.first <= quarter <= self.last and quarter not in self.reported

    def overdue(self, today: date) -> list[Quarter]:
        """The quarters ended by ``today`` without their value, oldest first."""
        last_ended = previous_quarter(quarter_of(today))
        return [
            quarter
            for quarter in quarters(self.first, min(self.last, last_ended))
            if quarter not in self.reported
        ]


@dataclass(frozen=True)
class Overdue:
    """An indicator's overdue quarters, as the list of overdue values shows them."""

    duty: Duty
    quarters: list[Quarter]

    @property
    def periods(self) -> list[str]:
        return [quarter_label(*quarter) for quarter in self.quarters]


def monitoring_start(plan: ActionPlan) -> date | None:
    """The day monitoring of ``plan`` starts (one query); None while it has no official
    version (never adopted, or its official version gone)."""
    versions = PlanVersion.objects.filter(
        plan=plan, status__in=[VersionStatus.ADOPTED, VersionStatus.SUPERSEDED]
    ).aggregate(
        official=Count("pk", filter=Q(status=VersionStatus.ADOPTED)),
        first_adopted=Min("adoption_date"),
    )
    if not versions["official"] or versions["first_adopted"] is None:
        return None
    return max(versions["first_adopted"], date(plan.period_start_year, 1, 1))


def monitored_plan_ids() -> list[int]:
    """The plans being monitored: those with an official version (one query)."""
    return list(
        PlanVersion.objects.filter(status=VersionStatus.ADOPTED)
        .values_list("plan_id", flat=True)
        .order_by("plan_id")
        .distinct()
    )


def reporting_duties(plan: ActionPlan) -> list[Duty]:
    """What each indicator of ``plan`` owes, by the rule of this module (three queries,
    however large the plan); nothing while the plan is not monitored. In the order of
    the interventions' titles, then of the indicators."""
    start = monitoring_start(plan)
    if start is None:
        return []
    plan_first, plan_last = quarter_of(start), (plan.period_end_year, 4)
    indicators = (
        ResultIndicator.objects.filter(
            intervention__plan=plan, intervention__status__in=REPORTING_STATUSES
        )
        .select_related(
            "intervention__lead_organisation", "reporting_organisation", "sdg_indicator"
        )
        .order_by("intervention__title", "intervention_id", "pk")
    )
    reported: dict[int, set[Quarter]] = {}
    for indicator_id, year, number in Progress.objects.filter(
        indicator__intervention__plan=plan,
        status__in=HOLDS_ITS_PERIOD,
        sex=TOTAL,
        age=TOTAL,
        migratory_status=TOTAL,
    ).values_list("indicator_id", "period_year", "period_quarter"):
        reported.setdefault(indicator_id, set()).add((year, number))
    duties = []
    for indicator in indicators:
        intervention = indicator.intervention
        first, last = plan_first, plan_last
        if intervention.start_date is not None:
            first = max(first, quarter_of(intervention.start_date))
        if intervention.end_date is not None:
            last = min(last, quarter_of(intervention.end_date))
        if first > last:
            continue
        organisation = indicator.reporting_organisation or intervention.lead_organisation
        duties.append(
            Duty(
                indicator_id=indicator.pk,
                indicator_label=indicator.label,
                intervention_id=intervention.pk,
                intervention_title=intervention.title,
                organisation_id=organisation.pk,
                organisation_name=organisation.name,
                first=first,
                last=last,
                reported=frozenset(reported.get(indicator.pk, ())),
            )
        )
    return duties


def due_by_organisation(duties: Iterable[Duty], quarter: Quarter) -> dict[int, list[Duty]]:
    """The duties still owing ``quarter``'s value, by the organisation that owes them."""
    due: dict[int, list[Duty]] = {}
    for duty in duties:
        if duty.owes(quarter):
            due.setdefault(duty.organisation_id, []).append(duty)
    return due


def overdue(duties: Iterable[Duty], today: date) -> list[Overdue]:
    """The indicators with overdue values on ``today``, each with its quarters."""
    found = []
    for duty in duties:
        late = duty.overdue(today)
        if late:
            found.append(Overdue(duty, late))
    return found


def reminder_quarter(today: date, days_before: int) -> Quarter | None:
    """The quarter whose reminders go out on ``today``: the current one from
    ``days_before`` days before its last day; None earlier in the quarter."""
    quarter = quarter_of(today)
    if today < quarter_last_day(quarter) - timedelta(days=days_before):
        return None
    return quarter
