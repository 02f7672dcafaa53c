"""The plan's targets as its validation needs them (registered in ``apps.py``)."""

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from action_plans.hooks import DashboardFact, ReadinessItem
from action_plans.models import ActionPlan
from msd_planner.lib.formatting import number
from targets.models import PrioritisedTarget, ProposalStatus


def targets_readiness(plan: ActionPlan) -> list[ReadinessItem]:
    """At least one prioritised target, each with a rationale; a warning for those no
    existing framework was reviewed against. One query."""
    targets = list(
        PrioritisedTarget.objects.filter(plan=plan, status=ProposalStatus.ACCEPTED)
        .annotate(assessments_count=Count("assessments"))
        .select_related("target")
        .order_by("target__position")
        .only("rationale", "target__code")
    )
    list_url = reverse("prioritised_target_list", args=[plan.pk])
    without_rationale = [item.target.code for item in targets if not item.rationale.strip()]
    unreviewed = [item.target.code for item in targets if not item.assessments_count]
    return [
        ReadinessItem(
            "targets",
            _("At least one prioritised target"),
            True,
            () if targets else (_("No target is prioritised yet."),),
            list_url,
            order=20,
        ),
        ReadinessItem(
            "rationales",
            _("Every prioritised target has a rationale"),
            True,
            (
                (_("No rationale: %(codes)s.") % {"codes": ", ".join(without_rationale)},)
                if without_rationale
                else ()
            ),
            list_url,
            order=21,
        ),
        ReadinessItem(
            "framework_review",
            _("Existing frameworks are reviewed against every prioritised target"),
            False,
            (
                (_("Not reviewed yet: %(codes)s.") % {"codes": ", ".join(unreviewed)},)
                if unreviewed
                else ()
            ),
            reverse("coherence_matrix", args=[plan.pk]),
            order=22,
        ),
    ]


def targets_facts(plan: ActionPlan) -> list[DashboardFact]:
    """Prioritised targets and frameworks reviewed (one query)."""
    counts = PrioritisedTarget.objects.filter(plan=plan, status=ProposalStatus.ACCEPTED).aggregate(
        targets=Count("pk", distinct=True),
        reviewed=Count("assessments__framework", distinct=True),
    )
    return [
        DashboardFact(
            _("Prioritised targets"),
            number(counts["targets"]),
            reverse("prioritised_target_list", args=[plan.pk]),
            order=20,
        ),
        DashboardFact(
            _("Existing frameworks reviewed"),
            number(counts["reviewed"]),
            reverse("coherence_matrix", args=[plan.pk]),
            order=21,
        ),
    ]
