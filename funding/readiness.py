"""The plan's funding as its validation needs it (registered in ``apps.py``)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from action_plans.hooks import DashboardFact, ReadinessItem
from action_plans.models import ActionPlan
from funding import charts, selectors
from msd_planner.lib.formatting import percent
from msd_planner.lib.money import format_money
from msd_planner.lib.translation import quoted


def funding_readiness(plan: ActionPlan) -> list[ReadinessItem]:
    """A warning for the interventions with a funding gap but no mobilisation strategy.
    Two queries: how many, and the first five titles."""
    count, without = selectors.interventions_lacking_strategy(plan, named=5)
    shown = quoted(without)
    if count > len(without):
        shown += " " + _("and %(count)s more") % {"count": count - len(without)}
    return [
        ReadinessItem(
            "mobilisation",
            _("Every intervention with a funding gap has a mobilisation strategy"),
            False,
            (_("No strategy: %(titles)s.") % {"titles": shown},) if without else (),
            reverse("mobilisation_plan", args=[plan.pk]),
            order=40,
        )
    ]


def funding_facts(plan: ActionPlan) -> list[DashboardFact]:
    """Cost, committed, gap, the localisation share against its target and the local
    actors' capacity needs still unmet (three queries)."""
    figures = selectors.plan_figures(plan)
    standing = charts.against_target(
        figures.local_share_of_committed, selectors.localisation_targets(plan).of_committed
    )
    currency = plan.base_currency
    url = reverse("funding_overview", args=[plan.pk])
    return [
        DashboardFact(_("Cost"), format_money(figures.cost, currency) or "—", url, order=40),
        DashboardFact(_("Committed"), format_money(figures.committed, currency), url, order=41),
        DashboardFact(
            _("Funding gap"),
            format_money(figures.gap, currency) or "—",
            reverse("mobilisation_plan", args=[plan.pk]),
            order=42,
        ),
        DashboardFact(
            _("Share to local actors"),
            percent(figures.local_share_of_committed) or "—",
            url,
            order=43,
            detail=_("of committed funds") + (f"; {standing}" if standing else ""),
        ),
        _unmet_needs_fact(plan),
    ]


def _unmet_needs_fact(plan: ActionPlan) -> DashboardFact:
    counts = selectors.capacity_need_counts(plan)
    return DashboardFact(
        _("Capacity needs unmet"),
        str(counts.unmet),
        reverse("capacity_need_list", args=[plan.pk]) + "?show=unmet",
        order=44,
        detail=ngettext(
            "of %(count)s need of local actors recorded",
            "of %(count)s needs of local actors recorded",
            counts.all,
        )
        % {"count": counts.all},
    )
