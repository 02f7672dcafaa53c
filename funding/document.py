"""Funding's chapters of the plan's PDF, drawn from a version's snapshot: the funding
(totals, the same charts as the funding pages, sources, per intervention) and the resource
mobilisation plan."""

from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from action_plans.hooks import DocumentChapter, snapshot_records
from funding import charts
from funding.selectors import Figures, KindRow, LocalTargets, Row

# A chart is never cut across pages: six targets' bars (and the legend) fill at most a
# page of A4.
TARGETS_PER_CHART = 6


def _figures(fields: dict) -> Figures:
    def amount(name: str, default=Decimal(0)):
        value = fields.get(name)
        return Decimal(value) if value not in (None, "") else default

    return Figures(
        cost=amount("cost", None),
        pledged=amount("pledged"),
        committed=amount("committed"),
        disbursed=amount("disbursed"),
        to_local_actors=amount("to_local_actors"),
        disbursed_to_local_actors=amount("disbursed_to_local_actors"),
        gap=amount("gap", None),
        over_funded=amount("over_funded"),
    )


def render(content: dict) -> str:
    funding = content["sections"].get("funding")
    if funding is None:
        return ""
    currency = content["plan"]["base_currency"]
    records = funding.get("records", [])
    by_target = [
        Row(
            SimpleNamespace(
                target=SimpleNamespace(
                    code=record["key"].split(":", 1)[1],
                    title=record["label"].split(" ", 1)[-1],
                )
            ),
            _figures(record["fields"]),
        )
        for record in records
        if record["kind"] == "target_funding"
    ]
    mix = [
        KindRow(
            record["key"].split(":", 1)[1],
            record["label"],
            bool(record.get("innovative")),
            _figures(record["fields"]),
        )
        for record in records
        if record["kind"] == "mix"
    ]
    totals = funding.get("totals", {})
    plan_figures = _plan_figures(totals)
    return render_to_string(
        "funding/pdf_charts.html",
        {
            "charts": [
                *charts.target_funding_charts(
                    by_target,
                    currency,
                    chart_id="pdf-target-funding",
                    per_chart=TARGETS_PER_CHART,
                ),
                charts.funding_mix_chart(mix, currency, chart_id="pdf-funding-mix"),
                charts.localisation_chart(
                    plan_figures,
                    currency,
                    targets=_targets(totals),
                    chart_id="pdf-localisation",
                ),
            ]
        },
    )


def _plan_figures(totals: dict) -> Figures:
    return Figures(
        committed=Decimal(totals.get("committed") or 0),
        disbursed=Decimal(totals.get("disbursed") or 0),
        to_local_actors=Decimal(totals.get("to_local_actors") or 0),
        disbursed_to_local_actors=Decimal(totals.get("disbursed_to_local_actors") or 0),
    )


def _targets(totals: dict) -> LocalTargets:
    """The target shares to local actors as frozen (a version frozen before targets
    were kept has none)."""

    def fraction(name: str) -> Decimal | None:
        value = totals.get(name)
        return Decimal(value) if value not in (None, "") else None

    return LocalTargets(
        of_committed=fraction("local_target_of_committed"),
        of_disbursed=fraction("local_target_of_disbursed"),
    )


@dataclass
class InterventionFunding:
    """An intervention (its snapshot record) with its funding and its mobilisation
    strategy, as frozen."""

    record: dict
    funding: dict | None
    strategy: dict | None

    @property
    def gap(self) -> Decimal:
        gap = self.funding["fields"]["gap"] if self.funding else None
        return Decimal(gap) if gap else Decimal(0)


def _per_intervention(content: dict) -> list[InterventionFunding]:
    funding_of = {
        record.get("parent"): record for record in snapshot_records(content, "funding", "funding")
    }
    strategy_of = {
        record.get("parent"): record for record in snapshot_records(content, "funding", "strategy")
    }
    return [
        InterventionFunding(record, funding_of.get(record["key"]), strategy_of.get(record["key"]))
        for record in snapshot_records(content, "interventions", "intervention")
    ]


def funding_standing(totals: dict) -> dict:
    """The funding section's frozen ``totals`` and where the share to local actors
    stands against its targets, in words: what a summary of the plan says of its funding."""
    return {
        "funding_totals": totals,
        "localisation_standing": charts.target_sentences(_plan_figures(totals), _targets(totals)),
    }


def funding_chapter(content: dict) -> dict:
    totals = content["sections"].get("funding", {}).get("totals", {})
    return {
        **funding_standing(totals),
        "charts": render(content),
        "sources": snapshot_records(content, "funding", "source"),
        "per_intervention": _per_intervention(content),
    }


def mobilisation_chapter(content: dict) -> dict:
    needing_funds = (item for item in _per_intervention(content) if item.gap > 0)
    return {"needing_funds": sorted(needing_funds, key=lambda item: -item.gap)}


CHAPTERS = [
    DocumentChapter("funding", _("Funding"), 60, "funding/pdf/funding.html", funding_chapter),
    DocumentChapter(
        "mobilisation",
        _("Resource mobilisation plan"),
        70,
        "funding/pdf/mobilisation.html",
        mobilisation_chapter,
    ),
]
