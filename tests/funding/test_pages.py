"""The funding pages as their users use them: real requests with real sessions."""

import csv
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from funding import selectors
from funding.models import Commitment, FundingSource
from funding.services import base_amounts
from interventions.models import Intervention
from tests import factories
from tests.funding.conftest import commit
from tests.interventions.conftest import make_intervention
from tests.interventions.test_interventions import _grow, _queries


def _commitment_data(source, **values) -> dict:
    data = {
        "source": source.pk,
        "stage": "pledged",
        "amount": "100000",
        "currency": source.currency,
        "exchange_rate": "",
        "rate_date": "",
        "disbursed": "",
        "dated": "2026-05-04",
        "to_local_actors": "",
        "local_channel": "",
        "notes": "",
    }
    data.update(values)
    return data


@pytest.fixture
def fair(cast, targets_a):
    return make_intervention(cast, targets_a, estimated_cost=Decimal("2000000"))


def _download(client, plan, file_format: str) -> bytes:
    """An export as the browser receives it (the CSV is streamed)."""
    response = client.get(reverse("funding_export", args=[plan.pk, file_format]))
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def _money_cells(page: str) -> list[str]:
    return re.findall(r'<td class="text-end">([^<]+)</td>', page)


def test_a_donor_pledges_in_eur_and_the_gap_moves(client, cast, fair, sources, donor):
    client.force_login(donor.editor)
    url = reverse("commitment_create", args=[cast.plan_a.pk, fair.pk])
    page = client.get(url).content.decode()
    assert "EU migration fund" in page
    assert "Labour budget line" not in page  # only its own sources are offered

    response = client.post(
        url,
        _commitment_data(
            sources["eu"],
            amount="50000",
            currency="EUR",
            exchange_rate="16.4523",
            rate_date="2026-05-01",
        ),
    )

    assert response.status_code == 302
    commitment = Commitment.objects.get()
    assert commitment.base_amount == Decimal("822615.00")  # 50,000 × 16.4523, rounded once
    client.force_login(cast.coordinator_a)
    funding = client.get(reverse("intervention_funding", args=[cast.plan_a.pk, fair.pk]))
    text = funding.content.decode()
    assert "50,000.00\xa0EUR" in text
    assert "822,615.00\xa0GHS" in text
    assert "1 EUR = 16.4523 GHS" in text
    # A pledge is not committed: the gap is still the whole cost.
    assert selectors.intervention_figures(fair).gap == Decimal("2000000")


def test_a_donor_may_not_record_its_pledge_as_committed_to_another_organisation(
    client, cast, fair, sources, donor
):
    client.force_login(donor.editor)
    response = client.post(
        reverse("commitment_create", args=[cast.plan_a.pk, fair.pk]),
        _commitment_data(
            sources["eu"],
            stage="committed",
            currency="EUR",
            exchange_rate="16.45",
            rate_date="2026-05-01",
        ),
    )
    assert response.status_code == 200
    assert "To another organisation&#x27;s intervention you may record a pledge" in (
        response.content.decode()
    )
    assert not Commitment.objects.exists()


def test_an_editor_records_its_own_budget_to_its_own_intervention(client, cast, fair, sources):
    client.force_login(cast.editor_x)
    url = reverse("commitment_create", args=[cast.plan_a.pk, fair.pk])
    response = client.post(url, _commitment_data(sources["budget"], stage="committed"))
    assert response.status_code == 302
    assert selectors.intervention_figures(fair).gap == Decimal("1900000")
    # The donor's source is not theirs to use.
    response = client.post(url, _commitment_data(sources["eu"], stage="pledged"))
    assert response.status_code == 200
    assert Commitment.objects.count() == 1


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"amount": "abc"}, "amount", "Enter the amount as a number"),
        ({"amount": "-5"}, "amount", "Enter an amount above zero."),
        ({"amount": "0"}, "amount", "Enter an amount above zero."),
        ({"amount": "10.005"}, "amount", "GHS has 2 decimals"),
        ({"currency": "XXY"}, "currency", "Select a valid choice"),
        ({"currency": "EUR"}, "exchange_rate", "Enter the rate of 1 EUR in GHS."),
        (
            {"currency": "EUR", "exchange_rate": "0", "rate_date": "2026-05-01"},
            "exchange_rate",
            "Enter an exchange rate above zero.",
        ),
        (
            {"stage": "disbursed", "disbursed": "200000"},
            "disbursed",
            "The amount disbursed cannot exceed the amount.",
        ),
        (
            {"to_local_actors": "100001", "local_channel": "direct"},
            "to_local_actors",
            "The part for local actors cannot exceed the amount.",
        ),
    ],
)
def test_bad_input_is_refused_on_its_field_and_nothing_is_saved(
    client, cast, fair, sources, values, field, message
):
    client.force_login(cast.coordinator_a)
    response = client.post(
        reverse("commitment_create", args=[cast.plan_a.pk, fair.pk]),
        _commitment_data(sources["budget"], **values),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors.get(field, [])), form.errors
    assert f'href="#id_{field}"' in response.content.decode()  # the error summary links it
    assert not Commitment.objects.exists()


def test_a_source_of_another_plan_is_not_offered_nor_accepted(client, cast, fair, sources):
    other = FundingSource.objects.create(
        plan=cast.plan_b,
        name="Accra budget",
        provider=cast.city_b,
        kind="local_budget",
        currency="GHS",
    )
    client.force_login(cast.coordinator_a)
    response = client.post(
        reverse("commitment_create", args=[cast.plan_a.pk, fair.pk]),
        _commitment_data(other),
    )
    assert response.status_code == 200
    assert "source" in response.context["form"].errors
    assert not Commitment.objects.exists()


def _overview_numbers(client, cast) -> dict[str, str]:
    page = client.get(reverse("funding_overview", args=[cast.plan_a.pk])).content.decode()
    return dict(
        re.findall(
            r'<dt class="small fw-normal">([^<]+)</dt><dd class="fs-5 text-nowrap">([^<]+)</dd>',
            page,
        )
    )


def test_the_overview_shows_the_plan_figures_and_the_local_share(
    client, cast, fair, sources, local_actor
):
    commit(cast.coordinator_a, fair, sources["budget"], amount="500000")
    commit(
        cast.coordinator_a,
        fair,
        sources["eu"],
        amount="20000",
        stage="disbursed",
        disbursed="10000",
        to_local_actors="5000",
        local_channel="direct",
        local_actors=[local_actor],
    )
    client.force_login(cast.viewer_x)
    numbers = _overview_numbers(client, cast)
    assert numbers["Cost"] == "2,000,000.00\xa0GHS"
    assert numbers["Committed"] == "770,000.00\xa0GHS"  # 500,000 + 20,000 × 13.5
    assert numbers["Disbursed"] == "135,000.00\xa0GHS"
    assert numbers["Funding gap"] == "1,230,000.00\xa0GHS"
    assert numbers["To local actors"] == "8.8\xa0%"  # 67,500 ÷ 770,000
    page = client.get(reverse("funding_overview", args=[cast.plan_a.pk])).content.decode()
    assert "Ashaiman Migrant Workers" in page  # credited by name, as it wishes


def test_a_local_part_split_between_actors_adds_up_to_the_cent(
    client, cast, fair, sources, local_actor
):
    from governance.services.participations import participation_add

    others = [
        factories.OrganisationFactory(
            name=name, type="civil_society", level="local", is_local_actor=True
        )
        for name in ("Tema Youth Network", "Kumasi Returnees Union")
    ]
    for organisation in others:
        participation_add(
            actor=cast.administrator,
            plan=cast.plan_a,
            organisation=organisation,
            signatory_required=False,
        )
    commit(
        cast.coordinator_a,
        fair,
        sources["budget"],
        amount="1000",
        to_local_actors="100",
        local_channel="direct",
        local_actors=[local_actor, *others],
    )
    named, hidden = selectors.local_recipients(cast.plan_a)
    amounts = sorted((recipient.committed for recipient in named), reverse=True)
    assert amounts == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]
    assert sum(amounts) + hidden == Decimal("100.00")
    client.force_login(cast.viewer_x)
    page = client.get(reverse("funding_overview", args=[cast.plan_a.pk])).content.decode()
    assert page.count("33.33\xa0GHS") == 2 and page.count("33.34\xa0GHS") == 1


def test_a_local_actor_that_asked_not_to_be_credited_is_not_named(
    client, cast, fair, sources, local_actor
):
    local_actor.credit_preference = "not_credited"
    local_actor.save()
    commit(
        cast.coordinator_a,
        fair,
        sources["budget"],
        amount="1000",
        to_local_actors="400",
        local_channel="intermediary",
        local_actors=[local_actor],
    )
    client.force_login(cast.coordinator_a)
    page = client.get(reverse("funding_overview", args=[cast.plan_a.pk])).content.decode()
    assert "Ashaiman" not in page
    assert "Local actors who asked not to be credited" in page
    assert "40.0\xa0%" in page


def test_the_exports_hold_the_figures_of_the_page(client, cast, targets_a, sources):
    fair = make_intervention(cast, targets_a, estimated_cost=Decimal("1000000.50"))
    data = make_intervention(cast, targets_a, title="Migration data", estimated_cost=None)
    commit(cast.coordinator_a, fair, sources["budget"], amount="250000.25")
    commit(
        cast.coordinator_a, data, sources["eu"], amount="1234.56", exchange_rate=Decimal("16.4523")
    )
    client.force_login(cast.viewer_x)
    page = client.get(reverse("funding_table", args=[cast.plan_a.pk])).content.decode()
    shown = {
        title: _money_cells(row)
        for title, row in re.findall(
            r'<th scope="row" class="fw-normal col-text"><a [^>]+>([^<]+)</a></th>(.*?)</tr>',
            page,
            re.S,
        )
    }

    csv_rows = list(
        csv.reader(io.StringIO(_download(client, cast.plan_a, "csv").decode("utf-8-sig")))
    )
    workbook = load_workbook(io.BytesIO(_download(client, cast.plan_a, "xlsx")))
    xlsx_rows = [list(row) for row in workbook.active.iter_rows(values_only=True)]

    assert csv_rows[0] == [str(value) for value in xlsx_rows[0]]
    header = csv_rows[0]
    committed = header.index("Committed (GHS)")
    cost = header.index("Cost (GHS)")
    by_title_csv = {row[0]: row for row in csv_rows[1:]}
    by_title_xlsx = {row[0]: row for row in xlsx_rows[1:]}
    assert Decimal(by_title_csv["Fair recruitment"][committed]) == Decimal("250000.25")
    assert Decimal(str(by_title_xlsx["Fair recruitment"][committed])) == Decimal("250000.25")
    eu = base_amounts(
        cast.plan_a,
        {"currency": "EUR", "exchange_rate": Decimal("16.4523"), "amount": Decimal("1234.56")},
    )["base_amount"]
    assert Decimal(by_title_csv["Migration data"][committed]) == eu
    assert by_title_csv["Migration data"][cost] == ""  # no cost estimate
    assert Decimal(by_title_csv["Whole plan"][committed]) == Decimal("250000.25") + eu
    # The page shows the same figures, in the reader's notation.
    assert "250,000.25\xa0GHS" in shown["Fair recruitment"]
    assert f"{eu:,.2f}\xa0GHS" in shown["Migration data"]
    for title in ("Fair recruitment", "Migration data"):
        for name, value in zip(header, by_title_csv[title], strict=True):
            if name.endswith("(GHS)") and value:
                assert f"{Decimal(value):,.2f}\xa0GHS" in shown[title] or name in (
                    "Identified (GHS)",
                    "Over-funded (GHS)",
                    "To local actors (GHS)",
                )


def test_the_workbook_shows_amounts_with_the_currency_decimals_and_bold_totals(
    client, cast, targets_a, sources
):
    fair = make_intervention(cast, targets_a, estimated_cost=Decimal("1000000"))
    commit(cast.coordinator_a, fair, sources["budget"], amount="250000.25")
    client.force_login(cast.viewer_x)
    sheet = load_workbook(io.BytesIO(_download(client, cast.plan_a, "xlsx"))).active
    header, row, total = list(sheet.iter_rows())
    assert all(cell.font.bold for cell in header) and all(cell.font.bold for cell in total)
    assert not any(cell.font.bold for cell in row)
    assert [cell.number_format for cell in row[4:12]] == ["#,##0.00"] * 8  # GHS: 2 decimals
    assert row[12].number_format == "0.0%"
    assert row[7].value == 250000.25  # committed
    assert sheet.freeze_panes == "B2"
    assert sheet.column_dimensions["A"].width == 60


def test_the_funding_table_sorts_by_gap_and_by_title_when_the_sort_is_unknown(
    client, cast, targets_a, sources
):
    small = make_intervention(cast, targets_a, title="A small gap", estimated_cost=Decimal(1000))
    make_intervention(cast, targets_a, title="B large gap", estimated_cost=Decimal(900000))
    make_intervention(cast, targets_a, title="C no cost", estimated_cost=None)
    commit(cast.coordinator_a, small, sources["budget"], amount="500")
    client.force_login(cast.viewer_x)
    url = reverse("funding_table", args=[cast.plan_a.pk])

    def titles(**query) -> list[str]:
        response = client.get(url, query)
        assert response.status_code == 200
        return re.findall(
            r'<th scope="row" class="fw-normal col-text"><a [^>]+>([^<]+)</a></th>',
            response.content.decode(),
        )

    assert titles(sort="gap") == ["B large gap", "A small gap", "C no cost"]  # no cost last
    assert titles(sort="largest") == ["A small gap", "B large gap", "C no cost"]
    assert titles() == ["A small gap", "B large gap", "C no cost"]


@pytest.mark.parametrize("page", ["funding_overview", "mobilisation_plan", "funding_table"])
def test_pages_cost_the_same_queries_for_10_or_300_interventions(
    client, cast, targets_a, sources, page
):
    def grow(count: int) -> None:
        _grow(cast, targets_a, count)
        fresh = Intervention.objects.filter(commitments=None)
        fresh.update(estimated_cost=Decimal(100000))
        for intervention in fresh:
            for source, stage in ((sources["budget"], "committed"), (sources["eu"], "pledged")):
                values = {
                    "currency": source.currency,
                    "amount": Decimal(1000),
                    "exchange_rate": Decimal("13.5") if source.currency != "GHS" else None,
                }
                Commitment.objects.create(
                    intervention=intervention,
                    source=source,
                    stage=stage,
                    dated=date(2026, 1, 1),
                    **values,
                    **base_amounts(cast.plan_a, values),
                )

    grow(10)
    client.force_login(cast.editor_x)
    url = reverse(page, args=[cast.plan_a.pk])
    small = _queries(client, url)
    grow(290)
    assert Intervention.objects.count() == 300
    assert _queries(client, url) == small
    print(f"{page}: {small} queries with 10 and with 300 interventions")


def test_a_title_typed_as_a_formula_stays_text_in_the_exports(client, cast, targets_a, sources):
    make_intervention(cast, targets_a, title='=HYPERLINK("http://evil.example","x")')
    client.force_login(cast.viewer_x)
    rows = list(csv.reader(io.StringIO(_download(client, cast.plan_a, "csv").decode("utf-8-sig"))))
    assert rows[1][0] == '\'=HYPERLINK("http://evil.example","x")'
    sheet = load_workbook(io.BytesIO(_download(client, cast.plan_a, "xlsx"))).active
    assert sheet["A2"].data_type == "s"
    assert sheet["A2"].value.startswith("=HYPERLINK")


def test_the_partner_lists_show_only_organisations_the_user_may_see(client, cast, fair):
    client.force_login(cast.editor_x)  # ministry X leads the intervention
    page = client.get(
        reverse("mobilisation_strategy_edit", args=[cast.plan_a.pk, fair.pk])
    ).content.decode()
    assert "Ministry of Health" in page  # takes part in plan A
    assert "Ministry of Energy" not in page  # in no plan of theirs


def test_every_problem_of_an_amount_shows_at_once(client, cast, fair, sources):
    """−500.123 GHS is below zero and has a decimal too many: both said the first time."""
    client.force_login(cast.coordinator_a)
    response = client.post(
        reverse("commitment_create", args=[cast.plan_a.pk, fair.pk]),
        _commitment_data(sources["budget"], amount="-500.123", to_local_actors="-1.1234"),
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["amount"] == [
        "Enter an amount above zero.",
        "GHS has 2 decimals: enter at most 2.",
    ]
    assert errors["to_local_actors"] == [
        "Enter an amount of zero or more.",
        "GHS has 2 decimals: enter at most 2.",
    ]
    assert not Commitment.objects.exists()


def _gap_card(page: str) -> str:
    card = re.search(r"<div[^>]*><dt[^>]*>Funding gap</dt>(.*?)</div>", page, re.S)
    return re.sub(r"[ \n]+", " ", re.sub(r"<[^>]+>", " ", card.group(1))).strip()


def test_the_gap_card_says_how_the_gap_is_summed_and_why_a_surplus_does_not_fill_it(
    client, cast, targets_a, sources
):
    short = make_intervention(cast, targets_a, title="Short", estimated_cost=Decimal("100000"))
    over = make_intervention(cast, targets_a, title="Over", estimated_cost=Decimal("100000"))
    commit(cast.coordinator_a, short, sources["budget"], amount="40000")
    commit(cast.coordinator_a, over, sources["budget"], amount="150000")
    client.force_login(cast.viewer_x)

    overview = client.get(reverse("funding_overview", args=[cast.plan_a.pk])).content.decode()
    intervention = client.get(
        reverse("intervention_funding", args=[cast.plan_a.pk, over.pk])
    ).content.decode()

    assert _gap_card(overview) == (
        "60,000.00\xa0GHS The sum of what each intervention still lacks. Some interventions "
        "are over-funded, by 50,000.00\xa0GHS in all: that money was given for them, so it "
        "does not fill another intervention's gap."
    )
    # One intervention's page has no sum to explain.
    assert _gap_card(intervention) == "0.00\xa0GHS Over-funded by 50,000.00\xa0GHS"


def _select(page: str, name: str) -> tuple[list[str], list[str]]:
    """A select's option values in order, and those selected."""
    select = re.search(rf'<select name="{name}".*?</select>', page, re.S).group(0)
    options = re.findall(r'<option value="([^"]*)"( selected)?>', select)
    return [value for value, _ in options], [value for value, chosen in options if chosen]


def test_the_currency_starts_as_the_source_s_own(client, cast, fair, sources, donor):
    """The donor's editor may record only its EUR fund: the source is chosen, and the
    currency with it; the plan's and the sources' currencies head the list of ~155."""
    client.force_login(donor.editor)
    page = client.get(reverse("commitment_create", args=[cast.plan_a.pk, fair.pk]))
    text = page.content.decode()

    assert _select(text, "source")[1] == [str(sources["eu"].pk)]
    currencies, chosen = _select(text, "currency")
    assert chosen == ["EUR"]
    assert currencies[:3] == ["", "GHS", "EUR"]
    assert len(currencies) > 150
    assert '<option value="">The source&#x27;s currency</option>' in text


def test_a_currency_left_empty_is_the_chosen_source_s(client, cast, fair, sources):
    client.force_login(cast.coordinator_a)
    url = reverse("commitment_create", args=[cast.plan_a.pk, fair.pk])
    chosen = _select(client.get(url).content.decode(), "currency")[1]
    assert chosen == [""]  # two sources to choose from: neither currency is assumed

    eu = client.post(url, _commitment_data(sources["eu"], currency=""))
    assert eu.context["form"].errors == {  # taken as EUR: a rate is asked for
        "exchange_rate": ["Enter the rate of 1 EUR in GHS."],
        "rate_date": ["Enter the date of the exchange rate."],
    }
    budget = client.post(url, _commitment_data(sources["budget"], currency=""))

    assert budget.status_code == 302
    assert Commitment.objects.get().currency == "GHS"


def test_the_overviews_figures_follow_every_change_of_the_money(
    client, cast, fair, sources, local_actor, derived_cache
):
    """The overview's figures are kept per content revision of the plan: each change
    through a service shows on the next view, nothing stale."""
    from funding.services import commitment_remove
    from governance.services.organisations import organisation_update

    client.force_login(cast.viewer_x)
    assert _overview_numbers(client, cast)["Committed"] == "0.00\xa0GHS"
    budget = commit(cast.coordinator_a, fair, sources["budget"], amount="500000")
    assert _overview_numbers(client, cast)["Committed"] == "500,000.00\xa0GHS"
    commit(
        cast.coordinator_a,
        fair,
        sources["eu"],
        amount="20000",
        to_local_actors="5000",
        local_channel="direct",
        local_actors=[local_actor],
    )
    numbers = _overview_numbers(client, cast)
    assert numbers["Committed"] == "770,000.00\xa0GHS"
    assert numbers["To local actors"] == "8.8\xa0%"
    commitment_remove(actor=cast.coordinator_a, commitment=budget)
    assert _overview_numbers(client, cast)["Committed"] == "270,000.00\xa0GHS"

    page = client.get(reverse("funding_overview", args=[cast.plan_a.pk])).content.decode()
    assert "Ashaiman Migrant Workers" in page
    organisation_update(
        actor=cast.administrator,
        organisation=local_actor,
        expected_version=local_actor.version,
        data={"name": "Ashaiman Migrant Workers' Union"},
    )
    page = client.get(reverse("funding_overview", args=[cast.plan_a.pk])).content.decode()
    assert "Ashaiman Migrant Workers&#x27; Union" in page
