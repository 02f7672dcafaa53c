"""Plans with many records: with 10,000 commitments the exports hold the rows of the
funding table page, and the exports and the funding pages cost the same queries as with
10; the overview pages through many lead organisations.

The interventions and commitments are written in bulk, each commitment's base amounts
as the service computes them (``funding.services.base_amounts``), so that a test builds
10,000 in seconds."""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from funding.models import Commitment
from funding.services import base_amounts
from interventions.models import AddressedTarget, Intervention
from msd_planner.lib.formatting import percent
from msd_planner.lib.money import format_money, share
from tests import factories

LARGE = 10_000
INTERVENTIONS = 250  # ten pages of the funding table
STAGES = ("identified", "pledged", "committed", "committed", "disbursed")
CENT = Decimal("0.01")
ZERO = Decimal(0)


@dataclass
class Grown:
    """What the bulk writes made: the interventions (in order) and the commitments."""

    interventions: list[Intervention]
    commitments: list[Commitment]


def _interventions(cast, targets_a, count: int, start: int) -> list[Intervention]:
    """``count`` interventions of plan A, numbered from ``start``: led by ministry X or
    Y in turn, every seventh without a cost estimate, all addressing 10.7 and every
    third 10.c too."""
    made = Intervention.objects.bulk_create(
        Intervention(
            plan=cast.plan_a,
            title=f"Intervention {number:04}",
            level="programme",
            sector="labour",
            lead_organisation=cast.ministry_x if number % 2 else cast.ministry_y,
            estimated_cost=None if number % 7 == 0 else Decimal(50_000 + 997 * number),
        )
        for number in range(start, start + count)
    )
    AddressedTarget.objects.bulk_create(
        [AddressedTarget(intervention=item, prioritised_target=targets_a["10.7"]) for item in made]
        + [
            AddressedTarget(intervention=item, prioritised_target=targets_a["10.c"])
            for number, item in enumerate(made, start)
            if number % 3 == 0
        ]
    )
    return made


def _commitments(cast, sources, local_actor, interventions, count: int, start: int):
    """``count`` commitments numbered from ``start``, spread over ``interventions``: at
    every stage, two in three from the budget line (GHS) and one in three from the EU
    fund (EUR at 13.5), part disbursed at the disbursed stage, one in four with a
    quarter for ``local_actor``."""
    made = []
    for number in range(start, start + count):
        source = sources["eu"] if number % 3 == 0 else sources["budget"]
        stage = STAGES[number % len(STAGES)]
        amount = Decimal(1_000 + (number * 7_919) % 90_000) + Decimal(number % 100) / 100
        values = {
            "currency": source.currency,
            "exchange_rate": Decimal("13.5") if source.currency == "EUR" else None,
            "amount": amount,
            "disbursed": (amount * Decimal("0.4")).quantize(CENT, ROUND_HALF_EVEN)
            if stage == "disbursed"
            else ZERO,
            "to_local_actors": (amount / 4).quantize(CENT, ROUND_HALF_EVEN)
            if number % 4 == 0
            else ZERO,
        }
        made.append(
            Commitment(
                intervention=interventions[number % len(interventions)],
                source=source,
                stage=stage,
                dated=date(2026, 1 + number % 12, 1),
                rate_date=date(2026, 1, 1) if values["exchange_rate"] else None,
                local_channel="direct" if values["to_local_actors"] else "",
                **values,
                **base_amounts(cast.plan_a, values),
            )
        )
    Commitment.objects.bulk_create(made)
    links = Commitment.local_actors.through
    links.objects.bulk_create(
        links(commitment_id=commitment.pk, organisation_id=local_actor.pk)
        for commitment in made
        if commitment.to_local_actors
    )
    return made


def grow(cast, targets_a, sources, local_actor, grown: Grown, interventions: int, commitments: int):
    """Plan A grown to ``interventions`` interventions and ``commitments`` commitments."""
    grown.interventions += _interventions(
        cast, targets_a, interventions - len(grown.interventions), len(grown.interventions)
    )
    grown.commitments += _commitments(
        cast,
        sources,
        local_actor,
        grown.interventions,
        commitments - len(grown.commitments),
        len(grown.commitments),
    )


def _download(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def _queries(client, url: str) -> int:
    _download(client, url)
    with CaptureQueriesContext(connection) as queries:
        _download(client, url)
    return len(queries)


def _amount(value) -> Decimal | None:
    """A cell of an export as a Decimal (None when empty)."""
    if value in (None, ""):
        return None
    return Decimal(str(value))


def _expected(grown: Grown) -> dict[str, dict[str, Decimal | None]]:
    """Each intervention's figures, summed here from the commitments written."""
    commitments_of: dict[int, list[Commitment]] = {}
    for commitment in grown.commitments:
        commitments_of.setdefault(commitment.intervention_id, []).append(commitment)
    expected = {}
    for intervention in grown.interventions:
        own = commitments_of.get(intervention.pk, [])
        committed = sum((c.base_amount for c in own if c.stage in STAGES[2:]), ZERO)
        cost = intervention.estimated_cost
        expected[intervention.title] = {
            "cost": cost,
            "identified": sum((c.base_amount for c in own if c.stage == "identified"), ZERO),
            "pledged": sum((c.base_amount for c in own if c.stage != "identified"), ZERO),
            "committed": committed,
            "disbursed": sum((c.base_disbursed for c in own), ZERO),
            "gap": None if cost is None else max(cost - committed, ZERO),
            "over_funded": ZERO if cost is None else max(committed - cost, ZERO),
            "to_local_actors": sum(
                (c.base_to_local_actors for c in own if c.stage in STAGES[2:]), ZERO
            ),
        }
    return expected


def _page_rows(client, plan) -> dict[str, list[str]]:
    """The funding table's rows, page after page: title → the text of its cells after
    the targets and lead (cost, pledged, committed, disbursed, gap, local share)."""
    rows: dict[str, list[str]] = {}
    number = 1
    while True:
        page = client.get(reverse("funding_table", args=[plan.pk]), {"page": number})
        html = page.content.decode()
        for title, cells in re.findall(
            r'<th scope="row" class="fw-normal col-text"><a [^>]+>([^<]+)</a></th>(.*?)</tr>',
            html,
            re.S,
        ):
            rows[title] = [
                " ".join(re.sub(r"<[^>]+>", " ", cell).split())
                for cell in re.findall(r'<td class="text-end">(.*?)</td>', cells, re.S)
            ]
        if f"page={number + 1}" not in html:
            return rows
        number += 1


def _shown(row: dict[str, Decimal | None], currency: str) -> list[str]:
    """The cells the funding table shows for an export's row."""

    def money(value: Decimal | None) -> str:
        return format_money(value, currency)

    if row["gap"] is None:
        gap = "No cost"
    elif row["gap"]:
        gap = money(row["gap"])
    elif row["over_funded"]:
        gap = f"Over-funded +{money(row['over_funded'])}"
    else:
        gap = "Funded"
    cells = [
        "—" if row["cost"] is None else money(row["cost"]),
        money(row["pledged"]),
        money(row["committed"]),
        money(row["disbursed"]),
        gap,
        percent(share(row["to_local_actors"], row["committed"])) or "—",
    ]
    return [" ".join(cell.split()) for cell in cells]  # spaces as the page's are read


COLUMNS = (
    "cost",
    "identified",
    "pledged",
    "committed",
    "disbursed",
    "gap",
    "over_funded",
    "to_local_actors",
)


def test_the_exports_hold_the_rows_of_the_funding_table_at_10000_commitments(
    client, cast, targets_a, sources, local_actor
):
    grown = Grown([], [])
    grow(cast, targets_a, sources, local_actor, grown, INTERVENTIONS, LARGE)
    assert Commitment.objects.filter(intervention__plan=cast.plan_a).count() == LARGE
    plan = cast.plan_a
    client.force_login(cast.viewer_x)

    csv_rows = list(
        csv.reader(
            io.StringIO(
                _download(client, reverse("funding_export", args=[plan.pk, "csv"])).decode(
                    "utf-8-sig"
                )
            )
        )
    )
    sheet = load_workbook(
        io.BytesIO(_download(client, reverse("funding_export", args=[plan.pk, "xlsx"]))),
        read_only=True,
    ).worksheets[0]
    xlsx_rows = [list(row) for row in sheet.iter_rows(values_only=True)]

    # The same header, a row per intervention in the table's order, the whole plan last.
    header = csv_rows[0]
    assert [str(cell) for cell in xlsx_rows[0]] == header
    assert len(csv_rows) == len(xlsx_rows) == 1 + INTERVENTIONS + 1
    titles = [intervention.title for intervention in grown.interventions]
    assert [row[0] for row in csv_rows[1:-1]] == sorted(titles)
    assert [row[0] for row in xlsx_rows[1:-1]] == sorted(titles)
    assert csv_rows[-1][0] == xlsx_rows[-1][0] == "Whole plan"

    # The CSV and the workbook hold the same values; each amount is the sum of the
    # intervention's commitments, as written here.
    expected = _expected(grown)
    exported = {}
    for in_csv, in_xlsx in zip(csv_rows[1:], xlsx_rows[1:], strict=True):
        assert in_csv[:4] == [cell or "" for cell in in_xlsx[:4]]
        amounts = [_amount(cell) for cell in in_csv[4:]]
        assert amounts == [_amount(cell) for cell in in_xlsx[4:]]
        exported[in_csv[0]] = dict(zip(COLUMNS, amounts, strict=False))
    for title, figures in expected.items():
        assert exported[title] == figures, title
    for name in ("identified", "pledged", "committed", "disbursed", "over_funded"):
        assert exported["Whole plan"][name] == sum((row[name] for row in expected.values()), ZERO)

    # The funding table, page after page, shows the rows the exports hold.
    shown = _page_rows(client, plan)
    assert len(shown) == INTERVENTIONS
    for title, cells in shown.items():
        assert cells == _shown(exported[title], plan.base_currency), title


@pytest.mark.parametrize(
    "page",
    ["csv", "xlsx", "funding_overview", "funding_table", "mobilisation_plan", "intervention"],
)
def test_exports_and_pages_cost_the_same_queries_for_10_or_10000_commitments(
    client, cast, targets_a, sources, local_actor, page
):
    plan = cast.plan_a
    grown = Grown([], [])
    grow(cast, targets_a, sources, local_actor, grown, 10, 10)
    if page in ("csv", "xlsx"):
        url = reverse("funding_export", args=[plan.pk, page])
    elif page == "intervention":
        url = reverse("intervention_funding", args=[plan.pk, grown.interventions[1].pk])
    else:
        url = reverse(page, args=[plan.pk])
    client.force_login(cast.editor_x)
    small = _queries(client, url)
    grow(cast, targets_a, sources, local_actor, grown, INTERVENTIONS, LARGE)
    assert _queries(client, url) == small
    assert small <= 20
    print(f"{page}: {small} queries with 10 and with {LARGE:,} commitments")


def test_the_overview_pages_through_the_lead_organisations(client, cast, targets_a, sources):
    """Thirty organisations each lead an intervention: the overview names 25 of them a
    page, by name, each with the figures of what it leads."""
    leads = [
        factories.OrganisationFactory(name=f"Lead body {number:02}", acronym=f"LB{number:02}")
        for number in range(30)
    ]
    interventions = Intervention.objects.bulk_create(
        Intervention(
            plan=cast.plan_a,
            title=f"Led by {lead.name}",
            level="programme",
            sector="labour",
            lead_organisation=lead,
            estimated_cost=Decimal(10_000),
        )
        for lead in leads
    )
    values = {"currency": "GHS", "exchange_rate": None, "amount": Decimal(4_000)}
    Commitment.objects.bulk_create(
        Commitment(
            intervention=intervention,
            source=sources["budget"],
            stage="committed",
            dated=date(2026, 1, 1),
            **values,
            **base_amounts(cast.plan_a, values),
        )
        for intervention in interventions[::3]
    )
    client.force_login(cast.viewer_x)
    url = reverse("funding_overview", args=[cast.plan_a.pk])

    def by_lead(page: str) -> dict[str, list[str]]:
        table = page.split('id="by-lead"')[1].split("</table>")[0]
        return {
            name: [
                " ".join(re.sub(r"<[^>]+>", " ", cell).split())
                for cell in re.findall(r'<td class="text-end">(.*?)</td>', cells, re.S)
            ]
            for name, cells in re.findall(
                r'<th scope="row" class="fw-normal">([^<]+)</th>(.*?)</tr>', table, re.S
            )
        }

    first = client.get(url).content.decode()
    second = client.get(url, {"page": 2}).content.decode()
    names = [f"Lead body {number:02} (LB{number:02})" for number in range(30)]
    assert list(by_lead(first)) == names[:25]
    assert list(by_lead(second)) == names[25:]
    assert 'page=2#by-lead"' in first
    # Lead body 27 leads an intervention with 4,000 committed of its 10,000; 28 none.
    assert by_lead(second)[names[27]][:5] == [
        "10,000.00 GHS",
        "4,000.00 GHS",
        "4,000.00 GHS",
        "0.00 GHS",
        "6,000.00 GHS",
    ]
    assert by_lead(second)[names[28]][2] == "0.00 GHS"
