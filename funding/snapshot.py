"""The plan's funding in its snapshot: sources, the commitments, the figures of each
intervention and of the plan, and the resource mobilisation plan."""

from django.utils.translation import gettext_lazy

from action_plans.hooks import (
    SnapshotSection,
    choice_term,
    date_term,
    frozen_amount,
    number_term,
)
from action_plans.models import ActionPlan
from funding import selectors
from funding.models import FundingSource, MobilisationStrategy, SourceKind, Stage
from governance.models import Organisation
from msd_planner.lib.money import rounded_share
from targets.snapshot import target_label, target_titles

FIGURES = (
    "pledged",
    "committed",
    "disbursed",
    "gap",
    "over_funded",
    "to_local_actors",
    "disbursed_to_local_actors",
)


def build(plan: ActionPlan) -> dict:
    """Twelve queries, however many interventions and commitments."""
    return {
        "records": [
            *_source_records(plan),
            *_commitment_records(plan),
            *_funding_records(plan),
            *_strategy_records(plan),
            *_target_funding_records(plan),
            *_mix_records(plan),
        ],
        "totals": _totals(plan),
    }


def _frozen(figures) -> dict:
    """The ``FIGURES`` of ``figures``, frozen."""
    return {name: frozen_amount(getattr(figures, name)) for name in FIGURES}


def _source_records(plan: ActionPlan) -> list[dict]:
    return [
        {
            "key": f"source:{source.pk}",
            "kind": "source",
            "label": source.name,
            "fields": {
                "provider": str(source.provider),
                "source_kind": source.kind,
                "currency": source.currency,
            },
        }
        for source in FundingSource.objects.filter(plan=plan).select_related("provider")
    ]


def _commitment_records(plan: ActionPlan) -> list[dict]:
    """Each commitment as entered: in its own currency (``amount``, ``disbursed_to_date``)
    and dated, beside its amount in the base currency; what the IATI file reports as
    transactions. Snapshots frozen before they were kept have none."""
    return [
        {
            "key": f"commitment:{row['pk']}",
            "kind": "commitment",
            "parent": f"intervention:{row['intervention_id']}",
            "label": f"{row['source__name']} → {row['intervention__title']}",
            "fields": {
                "provider": Organisation.named(
                    row["source__provider__name"], row["source__provider__acronym"]
                ),
                "source": row["source__name"],
                "stage": row["stage"],
                "dated": row["dated"].isoformat(),
                "currency": row["currency"],
                "amount": frozen_amount(row["amount"]),
                "disbursed_to_date": frozen_amount(row["disbursed"]),
                "base_amount": frozen_amount(row["base_amount"]),
            },
        }
        for row in selectors.commitment_rows(plan)
    ]


def _funding_records(plan: ActionPlan) -> list[dict]:
    """Each intervention's figures."""
    return [
        {
            "key": f"funding:{intervention.pk}",
            "kind": "funding",
            "parent": f"intervention:{intervention.pk}",
            "label": intervention.title,
            "fields": _frozen(selectors.Figures.of(intervention)),
        }
        for intervention in selectors.interventions_with_figures(plan)
    ]


def _strategy_records(plan: ActionPlan) -> list[dict]:
    """The resource mobilisation plan: each intervention's strategy."""
    return [
        {
            "key": f"strategy:{strategy.intervention_id}",
            "kind": "strategy",
            "parent": f"intervention:{strategy.intervention_id}",
            "label": strategy.intervention.title,
            "fields": {
                "strategy": strategy.strategy,
                "partners_to_approach": sorted(
                    str(partner) for partner in strategy.partners_to_approach.all()
                ),
            },
        }
        for strategy in MobilisationStrategy.objects.filter(intervention__plan=plan)
        .select_related("intervention")
        .prefetch_related("partners_to_approach")
        .order_by("intervention__title")
    ]


def _target_funding_records(plan: ActionPlan) -> list[dict]:
    """The figures of each prioritised target (summaries of the interventions')."""
    return [
        {
            "key": f"target_funding:{row.subject.target.code}",
            "kind": "target_funding",
            "label": f"{row.subject.target.code} {row.subject.target.title_en}",
            "titles": target_titles(row.subject.target),
            "fields": {"cost": frozen_amount(row.figures.cost), **_frozen(row.figures)},
        }
        for row in selectors.figures_by_target(plan)
    ]


def _mix_records(plan: ActionPlan) -> list[dict]:
    """The figures of each kind of source (the funding mix)."""
    return [
        {
            "key": f"mix:{row.kind}",
            "kind": "mix",
            "label": row.kind,
            "innovative": row.innovative,
            "fields": _frozen(row.figures),
        }
        for row in selectors.figures_by_kind(plan)
    ]


def _totals(plan: ActionPlan) -> dict:
    figures = selectors.plan_figures(plan)
    targets = selectors.localisation_targets(plan)
    return {
        "cost": frozen_amount(figures.cost),
        **_frozen(figures),
        "local_share_of_committed": frozen_amount(rounded_share(figures.local_share_of_committed)),
        "local_share_of_disbursed": frozen_amount(rounded_share(figures.local_share_of_disbursed)),
        # the target shares to local actors, as fractions like the shares
        "local_target_of_committed": frozen_amount(rounded_share(targets.of_committed)),
        "local_target_of_disbursed": frozen_amount(rounded_share(targets.of_disbursed)),
    }


_source_kind = choice_term(SourceKind.choices)


SECTION = SnapshotSection(
    name="funding",
    title=gettext_lazy("Funding"),
    order=40,
    build=build,
    kinds={
        "source": gettext_lazy("Funding source"),
        "funding": gettext_lazy("Funding of"),
        "strategy": gettext_lazy("Mobilisation strategy of"),
        "target_funding": gettext_lazy("Funding of target"),
        "mix": gettext_lazy("Funding from"),
        "commitment": gettext_lazy("Commitment"),
    },
    fields={
        "provider": gettext_lazy("provided by"),
        "source_kind": gettext_lazy("kind"),
        "currency": gettext_lazy("currency"),
        "cost": gettext_lazy("cost"),
        "pledged": gettext_lazy("pledged"),
        "committed": gettext_lazy("committed"),
        "disbursed": gettext_lazy("disbursed"),
        "gap": gettext_lazy("funding gap"),
        "over_funded": gettext_lazy("over-funded"),
        "to_local_actors": gettext_lazy("to local actors"),
        "disbursed_to_local_actors": gettext_lazy("disbursed to local actors"),
        "local_share_of_committed": gettext_lazy("localisation share of committed"),
        "local_share_of_disbursed": gettext_lazy("localisation share of disbursed"),
        "local_target_of_committed": gettext_lazy("target share of committed to local actors"),
        "local_target_of_disbursed": gettext_lazy("target share of disbursed to local actors"),
        "strategy": gettext_lazy("strategy"),
        "partners_to_approach": gettext_lazy("partners to approach"),
        "source": gettext_lazy("source"),
        "stage": gettext_lazy("stage"),
        "dated": gettext_lazy("date"),
        "amount": gettext_lazy("amount"),
        "disbursed_to_date": gettext_lazy("disbursed to date"),
        "base_amount": gettext_lazy("amount in the base currency"),
    },
    # a commitment's amount and disbursed to date are in its own currency, not the base
    money=frozenset({"cost", "base_amount", *FIGURES}),
    shares=frozenset(
        {
            "local_share_of_committed",
            "local_share_of_disbursed",
            "local_target_of_committed",
            "local_target_of_disbursed",
        }
    ),
    # sums of the interventions' funding, per target and per kind of source
    summaries=frozenset({"target_funding", "mix"}),
    # a commitment's changes move its intervention's funding figures, which a revision
    # explains (and a version frozen before commitments were kept compares without any)
    details=frozenset({"commitment"}),
    # money disbursed is recorded after adoption (funding.rules.DISBURSEMENT_RECORD)
    living=frozenset({"disbursed", "disbursed_to_local_actors", "disbursed_to_date"}),
    terms={
        "source_kind": _source_kind,
        "stage": choice_term(Stage.choices),
        "dated": date_term,
        "amount": number_term,
        "disbursed_to_date": number_term,
    },
    # A label may be None (the stored one is kept); hooks.SnapshotSection says str for now.
    labels={
        "target_funding": target_label,
        "mix": lambda record: _source_kind(record["label"]),
    },
)
