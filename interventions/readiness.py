"""The plan's interventions as its validation needs them (registered in ``apps.py``)."""

from datetime import date

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from action_plans.hooks import DashboardFact, ReadinessItem
from action_plans.models import AGENDA_END_YEAR, ActionPlan
from governance.models import Participation
from interventions import reporting
from interventions.models import Intervention, InterventionStatus, ProgressStatus, ResultIndicator
from interventions.rules import PROGRESS_REVIEW
from msd_planner.lib.formatting import number
from msd_planner.lib.translation import quoted
from targets.models import PrioritisedTarget, ProposalStatus


def _titles(titles: list[str], limit: int = 5) -> str:
    shown = quoted(titles[:limit])
    if len(titles) > limit:
        shown += " " + _("and %(count)s more") % {"count": len(titles) - limit}
    return shown


def interventions_readiness(plan: ActionPlan) -> list[ReadinessItem]:
    """Every prioritised target has an intervention; every intervention (but the dropped
    ones) is complete: lead taking part, level, timeline inside the plan period, cost and
    an indicator with a baseline and a target. Two queries."""
    interventions = _interventions_checked(plan)
    outsiders = [
        item.title
        for item in interventions
        if not item.lead_takes_part  # type: ignore[attr-defined]  # annotated by the query
    ]
    list_url = reverse("intervention_list", args=[plan.pk])
    return [
        _coverage_item(plan),
        ReadinessItem(
            "interventions_complete",
            _(
                "Every intervention has a level, a timeline inside the plan period, a cost "
                "estimate and an indicator with a baseline and a target"
            ),
            True,
            tuple(
                _("Missing %(what)s: %(titles)s.") % {"what": what, "titles": _titles(titles)}
                for what, titles in _incomplete(plan, interventions).items()
            ),
            list_url,
            order=31,
        ),
        ReadinessItem(
            "leads_take_part",
            _("Every intervention's lead organisation takes part in the plan"),
            True,
            (
                (_("Lead not taking part: %(titles)s.") % {"titles": _titles(outsiders)},)
                if outsiders
                else ()
            ),
            list_url,
            order=32,
        ),
    ]


def _coverage_item(plan: ActionPlan) -> ReadinessItem:
    """The prioritised targets no intervention (but a dropped one) addresses: one query."""
    uncovered = list(
        PrioritisedTarget.objects.filter(plan=plan, status=ProposalStatus.ACCEPTED)
        .annotate(
            covered=Count(
                "interventions",
                filter=~Q(interventions__intervention__status=InterventionStatus.DROPPED),
            )
        )
        .filter(covered=0)
        .order_by("target__position")
        .values_list("target__code", flat=True)
    )
    return ReadinessItem(
        "coverage",
        _("Every prioritised target has at least one intervention"),
        True,
        (_("No intervention for: %(codes)s.") % {"codes": ", ".join(uncovered)},)
        if uncovered
        else (),
        reverse("intervention_coverage", args=[plan.pk]),
        order=30,
    )


def _interventions_checked(plan: ActionPlan) -> list[Intervention]:
    """The plan's interventions but the dropped ones, each knowing whether it is measured
    and whether its lead takes part in the plan: one query."""
    measured = ResultIndicator.objects.filter(
        intervention=OuterRef("pk"), baseline_value__isnull=False, target_values__isnull=False
    )
    takes_part = Participation.objects.filter(plan=plan, organisation=OuterRef("lead_organisation"))
    return list(
        Intervention.objects.filter(plan=plan)
        .exclude(status=InterventionStatus.DROPPED)
        .annotate(measured=Exists(measured), lead_takes_part=Exists(takes_part))
        .order_by("title")
        .only("title", "level", "start_date", "end_date", "estimated_cost")
    )


def _incomplete(plan: ActionPlan, interventions: list[Intervention]) -> dict[str, list[str]]:
    """What is missing (in words) → the titles of the interventions missing it."""
    first = date(plan.period_start_year, 1, 1)
    last = date(min(plan.period_end_year, AGENDA_END_YEAR), 12, 31)
    incomplete: dict[str, list[str]] = {}
    for item in interventions:
        missing = []
        if not item.level:
            missing.append(_("level"))
        if not (
            item.start_date and item.end_date and first <= item.start_date <= item.end_date <= last
        ):
            missing.append(_("timeline inside the plan period"))
        if item.estimated_cost is None:
            missing.append(_("cost estimate"))
        if not item.measured:  # type: ignore[attr-defined]  # annotated by the query
            missing.append(_("an indicator with a baseline and a target"))
        for what in missing:
            incomplete.setdefault(what, []).append(item.title)
    return incomplete


def interventions_facts(plan: ActionPlan) -> list[DashboardFact]:
    """Interventions by status, the indicators with approved progress, and for those who
    lead monitoring the values waiting for review and, once the plan is monitored, those
    overdue today (``interventions.reporting``). Five queries."""
    by_status = dict(
        Intervention.objects.filter(plan=plan)
        .values_list("status")
        .annotate(count=Count("pk"))
        .order_by()
    )
    indicators = ResultIndicator.objects.filter(intervention__plan=plan).aggregate(
        total=Count("pk", distinct=True),
        measured=Count("pk", distinct=True, filter=Q(progress__status=ProgressStatus.APPROVED)),
        waiting=Count(
            "progress", distinct=True, filter=Q(progress__status=ProgressStatus.SUBMITTED)
        ),
    )
    waiting = indicators.pop("waiting")
    list_url = reverse("intervention_list", args=[plan.pk])
    return [
        DashboardFact(
            _("Interventions"),
            number(sum(by_status.values())),
            list_url,
            order=30,
            detail=", ".join(
                f"{number(count)} {InterventionStatus(status).label.lower()}"
                for status, count in sorted(
                    by_status.items(), key=lambda item: InterventionStatus.values.index(item[0])
                )
            ),
        ),
        DashboardFact(
            _("Indicators with progress recorded"),
            _("%(measured)s of %(total)s")
            % {name: number(count) for name, count in indicators.items()},
            list_url,
            order=31,
        ),
        DashboardFact(
            _("Progress values waiting for review"),
            number(waiting),
            reverse("progress_review_list", args=[plan.pk]),
            order=32,
            shown_to=PROGRESS_REVIEW.action,
        ),
        *_overdue_facts(plan),
    ]


def _overdue_facts(plan: ActionPlan) -> list[DashboardFact]:
    """The values overdue today, once the plan is monitored (the overview keeps its
    facts per day)."""
    duties = reporting.reporting_duties(plan)
    if not duties:
        return []
    late = reporting.overdue(duties, timezone.localdate())
    return [
        DashboardFact(
            _("Overdue progress values"),
            number(sum(len(item.quarters) for item in late)),
            reverse("progress_overdue_list", args=[plan.pk]),
            order=33,
            detail=ngettext("%(count)s indicator", "%(count)s indicators", len(late))
            % {"count": number(len(late))},
            shown_to=PROGRESS_REVIEW.action,
        )
    ]
