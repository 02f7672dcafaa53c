"""The funding charts in the plan's PDF, drawn from a version's snapshot (registered as a
part of the document's funding chapter): the same charts as the funding pages."""

from decimal import Decimal
from types import SimpleNamespace

from django.template.loader import render_to_string

from funding import charts
from funding.selectors import Figures, KindRow, Row


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
    plan_figures = Figures(
        committed=Decimal(totals.get("committed") or 0),
        disbursed=Decimal(totals.get("disbursed") or 0),
        to_local_actors=Decimal(totals.get("to_local_actors") or 0),
        disbursed_to_local_actors=Decimal(totals.get("disbursed_to_local_actors") or 0),
    )
    return render_to_string(
        "funding/pdf_charts.html",
        {
            "charts": [
                charts.target_funding_chart(by_target, currency, chart_id="pdf-target-funding"),
                charts.funding_mix_chart(mix, currency, chart_id="pdf-funding-mix"),
                charts.localisation_chart(plan_figures, currency, chart_id="pdf-localisation"),
            ]
        },
    )
