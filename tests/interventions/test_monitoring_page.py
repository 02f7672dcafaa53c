"""The monitoring page, through real requests: statuses move when a value is approved
(never when it is only submitted), counts are rolled up per prioritised target and lead
organisation, official SDG indicators show their catalogue code, and the page costs the
same queries for 10 or 300 interventions."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from interventions import services
from interventions.models import (
    AddressedTarget,
    Intervention,
    Progress,
    ProgressStatus,
    ResultIndicator,
    TargetValue,
)
from targets.models import Indicator
from tests.interventions.test_results import _client, _indicator, _intervention

pytestmark = pytest.mark.usefixtures("catalogue")


def _url(cast) -> str:
    return reverse("plan_monitoring", args=[cast.plan_a.pk])


def _page(cast, role="coordinator_a") -> str:
    response = _client(cast, role).get(_url(cast))
    assert response.status_code == 200
    return response.content.decode()


def _table(page: str, table_id: str) -> list[list[str]]:
    """The body rows of a table of the page, each cell's text without its markup."""
    table = re.search(rf'<table[^>]*id="{table_id}".*?<tbody>(.*?)</tbody>', page, re.S)
    assert table, table_id
    return [
        [
            " ".join(re.sub(r"<[^>]+>", " ", cell).split())
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S)
    ]


@pytest.fixture
def indicator(cast):
    """Baseline 0 in 2025, targets 100 by the end of 2026 and 300 by the end of 2028:
    on 31 March 2026 the path expects 49.59, on 30 June 2026 66.21."""
    return _indicator(
        cast,
        _intervention(cast),
        reporting_organisation=cast.ministry_y,
        baseline_value=Decimal(0),
        baseline_year=2025,
    )


def _submit(cast, indicator, day: date, value: int) -> Progress:
    return services.progress_submit(
        actor=cast.editor_y,
        indicator=indicator,
        measured_on=day,
        value=Decimal(value),
        source="Labour register",
    )


def _approve(cast, progress: Progress) -> None:
    services.progress_approve(
        actor=cast.editor_s, progress=progress, expected_version=progress.version
    )


def test_the_status_moves_when_a_value_is_approved(cast, indicator, derived_cache):
    """With the figures kept per content revision, as in production."""
    assert _table(_page(cast), "monitoring-totals") == [["0", "0", "0", "1"]]
    assert "No approved value" in _page(cast)

    first = _submit(cast, indicator, date(2026, 3, 31), 50)
    page = _page(cast)
    assert _table(page, "monitoring-totals") == [["0", "0", "0", "1"]]  # submitted only

    _approve(cast, first)
    page = _page(cast)
    assert _table(page, "monitoring-totals") == [["1", "0", "0", "0"]]
    assert "Indicators: 1 in all, 1 on track, 0 at risk, 0 off track, 0 without data." in page
    [row] = _table(page, "monitoring-indicators")
    assert row[0] == "Migrant workers recruited fairly (people)"
    assert row[2:] == ["0 (2025)", "50 (31 Mar 2026)", "49.59", "100.8 %", "On track"]

    second = _submit(cast, indicator, date(2026, 6, 30), 20)
    _approve(cast, second)
    page = _page(cast, "viewer_x")  # whoever sees the plan sees the statuses
    assert _table(page, "monitoring-totals") == [["0", "0", "1", "0"]]
    assert page.count('<g class="target">') == 1  # the chart: one prioritised target
    assert "1 off track</text>" in page
    [row] = _table(page, "monitoring-indicators")
    assert row[3:] == ["20 (30 Jun 2026)", "66.21", "30.2 %", "Off track"]
    assert (
        f'href="/plans/{cast.plan_a.pk}/interventions/{indicator.intervention_id}/#indicator-{indicator.pk}"'
        in page
    )
    assert "On track: 90\u00a0% or more. At risk: 60\u00a0% or more." in page


def test_counts_are_rolled_up_per_target_lead_and_intervention(cast, indicator):
    _approve(cast, _submit(cast, indicator, date(2026, 3, 31), 50))
    official = Indicator.objects.filter(target__code="10.7").order_by("position").first()
    other = services.intervention_create(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        intervention=Intervention(
            title="Skills recognition",
            level="programme",
            sector="labour",
            lead_organisation=cast.ministry_y,
        ),
        links=services.Links(
            targets={indicator.intervention.addressed_targets.get().prioritised_target_id: "Skills"}
        ),
    )
    _indicator(cast, other, sdg_indicator=official, name="", unit="%")  # no baseline: no data

    page = _page(cast)

    [target_row] = _table(page, "monitoring-by-target")
    assert target_row[0].startswith("10.7 ") and target_row[1:] == ["1", "0", "0", "1", "2"]
    leads = {row[0]: row[1:] for row in _table(page, "monitoring-by-lead")}
    assert leads == {
        f"{cast.ministry_x.acronym} {cast.ministry_x.name}".strip(): ["1", "0", "0", "0", "1"],
        f"{cast.ministry_y.acronym} {cast.ministry_y.name}".strip(): ["0", "0", "0", "1", "1"],
    }
    by_intervention = _table(page, "monitoring-by-intervention")
    assert sorted(row[2:] for row in by_intervention) == [
        ["0", "0", "0", "1", "1"],
        ["1", "0", "0", "0", "1"],
    ]
    # the official indicator shows its code, linked to the catalogue
    catalogue = reverse("catalogue")
    assert re.search(
        rf'<a [^>]*href="{catalogue}\?q={re.escape(official.code)}#target-10.7"[^>]*>'
        rf"{re.escape(official.code)}</a>",
        page,
    )
    assert "No baseline" in page


def _grow(cast, prioritised, count: int) -> None:
    """``count`` more interventions addressing ``prioritised``, each with three
    indicators, their targets and approved and submitted values."""
    interventions = Intervention.objects.bulk_create(
        Intervention(
            plan=cast.plan_a,
            title=f"Intervention {index:03}",
            level="programme",
            sector="labour",
            lead_organisation=cast.ministry_x if index % 2 else cast.ministry_y,
        )
        for index in range(count)
    )
    AddressedTarget.objects.bulk_create(
        AddressedTarget(intervention=item, prioritised_target=prioritised) for item in interventions
    )
    indicators = ResultIndicator.objects.bulk_create(
        ResultIndicator(
            intervention=item,
            name=f"Indicator {number}",
            unit="people",
            baseline_value=Decimal(10),
            baseline_year=2025,
        )
        for item in interventions
        for number in range(3)
    )
    TargetValue.objects.bulk_create(
        TargetValue(indicator=item, year=year, value=Decimal(value))
        for item in indicators
        for year, value in ((2026, 50), (2028, 100))
    )
    Progress.objects.bulk_create(
        Progress(
            indicator=item,
            measured_on=date(2026, quarter * 3, 28),
            period_year=2026,
            period_quarter=quarter,
            value=Decimal(10 * quarter + item.pk % 30),
            source="Register",
            status=ProgressStatus.APPROVED if quarter < 3 else ProgressStatus.SUBMITTED,
        )
        for item in indicators
        for quarter in (1, 2, 3)
    )


def _queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_the_page_costs_the_same_queries_for_10_or_300_interventions(client, cast, indicator):
    prioritised = indicator.intervention.addressed_targets.get().prioritised_target
    _grow(cast, prioritised, 9)
    client.force_login(cast.coordinator_a)
    small = _queries(client, _url(cast))
    _grow(cast, prioritised, 291)
    assert ResultIndicator.objects.count() == 901

    assert _queries(client, _url(cast)) == small <= 20
    page = client.get(_url(cast)).content.decode()
    [totals] = _table(page, "monitoring-totals")
    assert sum(int(count) for count in totals) == 901 and totals[3] == "1"  # one has no value
    print(f"monitoring page: {small} queries with 10 and with 300 interventions")


def test_the_page_speaks_french(cast, indicator):
    client = _client(cast, "coordinator_a")
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    _approve(cast, _submit(cast, indicator, date(2026, 3, 31), 50))

    page = client.get(_url(cast)).content.decode()

    assert "Suivi : en bonne voie ou non" in page
    assert "En bonne voie : 90\u00a0% ou plus. À risque : 60\u00a0% ou plus." in page
    [row] = _table(page, "monitoring-indicators")
    assert row[-3:] == ["49,59", "100,8 %", "En bonne voie"]  # spaces as the table reader sees them
