"""The funding charts as users meet them: a bar group per target, bars as long as their
values, the same figures in the data table, the innovative sources marked in words, the
shares as percentages, an empty chart that says so, and text escaped. Built from figures
made by hand: no database."""

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from funding.charts import (
    funding_mix_chart,
    localisation_chart,
    target_funding_chart,
    target_funding_charts,
)
from funding.document import TARGETS_PER_CHART
from funding.selectors import Figures, KindRow, Row
from msd_planner.lib.money import format_money
from targets.models import PrioritisedTarget, Target

SVG = "{http://www.w3.org/2000/svg}"


def _target(code: str, title: str) -> PrioritisedTarget:
    return PrioritisedTarget(target=Target(code=code, title_en=title))


def _parsed(chart) -> ET.Element:
    """The chart's SVG as XML (fails on anything that is not well-formed)."""
    return ET.fromstring(str(chart.svg))  # noqa: S314 - markup this code built, in a test


def _text(element: ET.Element) -> str:
    return " ".join("".join(node.itertext()) for node in element.iter(f"{SVG}text"))


def _groups(svg: ET.Element, name: str) -> list[ET.Element]:
    return [group for group in svg.iter(f"{SVG}g") if group.get("class") == name]


def _width(group: ET.Element, series: str) -> float:
    """The width of the bar of ``series`` in the group (0 when none is drawn)."""
    bars = [rect for rect in group.iter(f"{SVG}rect") if rect.get("class") == series]
    assert len(bars) <= 1
    return float(bars[0].get("width")) if bars else 0.0


def _money(amount: str) -> str:
    return format_money(Decimal(amount), "GHS")


TARGET_ROWS = [
    Row(
        _target("10.7", "Facilitate orderly, safe, regular and responsible migration"),
        Figures(
            cost=Decimal("1000000"),
            pledged=Decimal("800000"),
            committed=Decimal("600000"),
            disbursed=Decimal("150000"),
            gap=Decimal("400000"),
        ),
    ),
    Row(
        _target("8.8", "Protect labour rights"),
        Figures(
            cost=Decimal("200000"),
            pledged=Decimal("300000"),
            committed=Decimal("250000"),
            disbursed=Decimal("250000"),
            gap=Decimal("0"),
            over_funded=Decimal("50000"),
        ),
    ),
    Row(
        _target("10.c", "Reduce remittance costs"),
        Figures(pledged=Decimal("50000")),  # no cost estimate
    ),
]


def test_the_target_chart_draws_one_bar_group_per_target_with_its_code():
    svg = _parsed(target_funding_chart(TARGET_ROWS, "GHS"))
    groups = _groups(svg, "target")
    assert len(groups) == 3
    codes = [group.find(f"{SVG}text/{SVG}tspan").text for group in groups]
    assert codes == ["10.7", "8.8", "10.c"]
    assert "Gap: " + _money("400000") in _text(groups[0])
    assert "No gap" in _text(groups[1])
    assert "no cost estimate" in _text(groups[2])


def test_the_target_bars_are_as_long_as_their_values_on_one_scale():
    groups = _groups(_parsed(target_funding_chart(TARGET_ROWS, "GHS")), "target")
    largest = _width(groups[0], "cost")  # 1,000,000: the largest value of the chart
    assert largest > 100
    expected = {
        (0, "pledged"): 0.8,
        (0, "committed"): 0.6,
        (0, "disbursed"): 0.15,
        (1, "cost"): 0.2,
        (1, "pledged"): 0.3,
        (1, "committed"): 0.25,
        (2, "pledged"): 0.05,
        (2, "cost"): 0,
        (2, "committed"): 0,
    }
    for (group, series), fraction in expected.items():
        assert _width(groups[group], series) == pytest.approx(largest * fraction, abs=0.1)


def _many_targets(count: int) -> list[Row]:
    """``count`` targets, each costing 100,000 more than the one before, half committed."""
    return [
        Row(
            _target(f"{n}.1", f"Target {n}"),
            Figures(
                cost=Decimal(100000 * n),
                committed=Decimal(50000 * n),
                gap=Decimal(50000 * n),
            ),
        )
        for n in range(1, count + 1)
    ]


def test_a_document_cuts_a_long_target_chart_into_parts_on_one_scale():
    charts = target_funding_charts(_many_targets(14), "GHS", chart_id="pdf-tf", per_chart=6)
    parsed = [_parsed(chart) for chart in charts]
    codes = [
        [group.find(f"{SVG}text/{SVG}tspan").text for group in _groups(svg, "target")]
        for svg in parsed
    ]
    assert codes == [
        ["1.1", "2.1", "3.1", "4.1", "5.1", "6.1"],
        ["7.1", "8.1", "9.1", "10.1", "11.1", "12.1"],
        ["13.1", "14.1"],
    ]
    assert [svg.get("id") or svg.find(f"{SVG}title").get("id") for svg in parsed] == [
        "pdf-tf-1-title",
        "pdf-tf-2-title",
        "pdf-tf-3-title",
    ]
    assert "Targets 7 to 12 of 14" in charts[1].title
    # one scale: the first target's cost bar is a fourteenth of the last one's
    first = _width(_groups(parsed[0], "target")[0], "cost")
    last = _width(_groups(parsed[2], "target")[1], "cost")
    assert last > 100
    assert first == pytest.approx(last / 14, abs=0.1)
    # each part fits a page of A4 less the document's margins (static/css/pdf.css), with
    # room for its caption: the chart is drawn 174 mm wide
    for svg in parsed:
        _x, _y, width, height = (float(value) for value in svg.get("viewBox").split())
        assert height / width * 174 <= 255 - 25


def test_a_document_keeps_a_short_target_chart_whole():
    (chart,) = target_funding_charts(
        _many_targets(TARGETS_PER_CHART), "GHS", chart_id="pdf-tf", per_chart=TARGETS_PER_CHART
    )
    assert len(_groups(_parsed(chart), "target")) == TARGETS_PER_CHART
    assert "Targets 1 to" not in chart.title


def test_the_gap_is_the_hatched_end_of_the_cost_bar():
    groups = _groups(_parsed(target_funding_chart(TARGET_ROWS, "GHS")), "target")
    cost = next(rect for rect in groups[0].iter(f"{SVG}rect") if rect.get("class") == "cost")
    gap = next(rect for rect in groups[0].iter(f"{SVG}rect") if rect.get("class") == "gap")
    assert float(gap.get("width")) == pytest.approx(0.4 * float(cost.get("width")), abs=0.1)
    assert float(gap.get("x")) + float(gap.get("width")) == pytest.approx(
        float(cost.get("x")) + float(cost.get("width")), abs=0.1
    )
    assert gap.get("fill").startswith("url(#")  # a pattern, not a colour alone
    assert _width(groups[1], "gap") == 0  # fully committed: no gap drawn


def test_the_target_table_carries_the_same_figures_with_the_currency_code():
    chart = target_funding_chart(TARGET_ROWS, "GHS")
    assert chart.headers == ["Target", "Cost", "Pledged", "Committed", "Disbursed", "Gap"]
    assert chart.rows[0] == [
        "10.7 Facilitate orderly, safe, regular and responsible migration",
        _money("1000000"),
        _money("800000"),
        _money("600000"),
        _money("150000"),
        _money("400000"),
    ]
    assert chart.rows[0][1] == "1,000,000.00\N{NO-BREAK SPACE}GHS"
    assert chart.rows[2][1] == "No estimate" and chart.rows[2][5] == "No estimate"
    assert "Targets with a gap: 10.7." in chart.label
    assert "Without a cost estimate: 10.c." in chart.label


def test_a_chart_is_named_and_described_and_has_no_inline_style():
    for chart in (
        target_funding_chart(TARGET_ROWS, "GHS"),
        funding_mix_chart(KIND_ROWS, "GHS"),
        localisation_chart(LOCAL_FIGURES, "GHS"),
        target_funding_chart([], "GHS"),
    ):
        svg = _parsed(chart)
        assert svg.get("role") == "img"
        title = svg.find(f"{SVG}title")
        assert title.get("id") == svg.get("aria-labelledby")
        # The name says what the chart shows, the description what its figures say; the
        # caption of the table reads both.
        assert title.text == chart.title
        desc = svg.find(f"{SVG}desc")
        if chart.description:
            assert desc.get("id") == svg.get("aria-describedby")
            assert desc.text == chart.description
        else:
            assert desc is None and svg.get("aria-describedby") is None
        assert chart.label.startswith(chart.title) and chart.label.endswith(chart.description)
        assert not any("style" in element.attrib for element in svg.iter())
        assert svg.find(f".//{SVG}style") is None
        assert "<script" not in str(chart.svg) and "http" not in str(chart.svg).replace(
            'xmlns="http://www.w3.org/2000/svg"', ""
        )


def test_two_charts_of_a_page_keep_their_ids_apart():
    first = _parsed(target_funding_chart(TARGET_ROWS, "GHS"))
    second = _parsed(target_funding_chart(TARGET_ROWS, "GHS", chart_id="by-target-2"))
    ids = {element.get("id") for element in first.iter() if element.get("id")}
    other = {element.get("id") for element in second.iter() if element.get("id")}
    assert ids and other and not ids & other


def test_with_no_target_the_chart_says_there_is_nothing_to_show():
    chart = target_funding_chart([], "GHS")
    assert chart.rows == []
    assert "nothing to show yet" in _text(_parsed(chart))
    assert "nothing to show yet" in chart.label


def test_zero_everywhere_draws_no_bar_and_writes_the_zeros():
    rows = [Row(_target("1.1", "Zero"), Figures(cost=Decimal(0), gap=Decimal(0)))]
    chart = target_funding_chart(rows, "XOF")
    (group,) = _groups(_parsed(chart), "target")
    assert all(_width(group, series) == 0 for series in ("cost", "pledged", "committed"))
    assert _text(group).count("0\N{NO-BREAK SPACE}XOF") == 4
    assert chart.rows == [["1.1 Zero", *["0\N{NO-BREAK SPACE}XOF"] * 5]]


def test_text_typed_by_users_is_escaped():
    rows = [
        Row(
            _target("10.7", '<script>alert("x")</script> & more'),
            Figures(cost=Decimal(10), gap=Decimal(10)),
        )
    ]
    kinds = [KindRow("other", "Tom & Jerry's <b>fund</b>", True, Figures(committed=Decimal(5)))]
    for chart, typed in (
        (target_funding_chart(rows, "GHS"), '<script>alert("x")</script> & more'),
        (funding_mix_chart(kinds, "GHS"), "Tom & Jerry's <b>fund</b>"),
    ):
        assert "<script>" not in chart.svg and "<b>" not in chart.svg
        assert typed in _text(_parsed(chart))  # parsed: the SVG is well-formed XML
        assert typed in chart.rows[0][0]  # escaped by the template, as every cell
    html = render_to_string(
        "funding/includes/chart.html", {"chart": target_funding_chart(rows, "GHS")}
    )
    assert "<script>" not in html and "&lt;script&gt;" in html


KIND_ROWS = [
    KindRow(
        "national_budget",
        "National budget",
        False,
        Figures(pledged=Decimal("800"), committed=Decimal("600"), disbursed=Decimal("100")),
    ),
    KindRow(
        "remittance_scheme",
        "Remittance-based scheme",
        True,
        Figures(pledged=Decimal("400"), committed=Decimal("300")),
    ),
    KindRow("diaspora_bond", "Diaspora contribution: bond", True, Figures(pledged=Decimal("100"))),
]


def test_the_funding_mix_marks_innovative_kinds_in_words_and_fill():
    chart = funding_mix_chart(KIND_ROWS, "GHS")
    groups = _groups(_parsed(chart), "kind")
    assert len(groups) == 3
    assert "innovative" not in _text(groups[0])
    assert "Remittance-based scheme · innovative" in _text(groups[1])
    assert "innovative" in _text(groups[2])
    assert _width(groups[0], "committed") > 0 and _width(groups[0], "innovative") == 0
    assert _width(groups[1], "innovative") > 0 and _width(groups[1], "committed") == 0
    assert [row[1] for row in chart.rows] == ["No", "Yes", "Yes"]
    assert "Innovative sources (remittances and diaspora contributions): 33.3\xa0%" in chart.label


def test_the_funding_mix_shows_shares_as_percentages_and_bars_to_scale():
    chart = funding_mix_chart(KIND_ROWS, "GHS")
    groups = _groups(_parsed(chart), "kind")
    assert "66.7\xa0% of committed" in _text(groups[0])
    assert "33.3\xa0% of committed" in _text(groups[1])
    assert "0.0\xa0% of committed" in _text(groups[2])
    largest = _width(groups[0], "pledged")  # 800, the largest
    assert _width(groups[0], "committed") == pytest.approx(largest * 0.75, abs=0.1)
    assert _width(groups[1], "innovative") == pytest.approx(largest * 0.375, abs=0.1)
    assert _width(groups[2], "pledged") == pytest.approx(largest * 0.125, abs=0.1)
    assert chart.rows[1] == [
        "Remittance-based scheme",
        "Yes",
        _money("400"),
        _money("300"),
        "33.3\xa0%",
    ]


def test_a_funding_mix_with_nothing_committed_has_no_shares():
    kinds = [KindRow("other", "Other", False, Figures(identified=Decimal(5)))]
    chart = funding_mix_chart(kinds, "GHS")
    assert chart.rows == [["Other", "No", _money("0"), _money("0"), "—"]]
    assert "Nothing is committed yet." in chart.label
    assert "%" not in _text(_parsed(chart))


def test_with_no_funds_the_funding_mix_says_there_is_nothing_to_show():
    chart = funding_mix_chart([], "GHS")
    assert chart.rows == []
    assert "nothing to show yet" in _text(_parsed(chart))


LOCAL_FIGURES = Figures(
    committed=Decimal("1000"),
    to_local_actors=Decimal("250"),
    disbursed=Decimal("400"),
    disbursed_to_local_actors=Decimal("80"),
)


def test_the_localisation_chart_fills_the_local_part_of_two_full_bars():
    chart = localisation_chart(LOCAL_FIGURES, "GHS")
    committed, disbursed = _groups(_parsed(chart), "measure")
    for group, fraction, share in ((committed, 0.25, "25.0\xa0%"), (disbursed, 0.2, "20.0\xa0%")):
        whole = _width(group, "other")
        assert _width(group, "local") == pytest.approx(whole * fraction, abs=0.1)
        assert f"{share} to local actors" in _text(group)
    assert f"{_money('250')} of {_money('1000')}" in _text(committed)
    assert chart.rows == [
        ["Committed funds", _money("250"), _money("1000"), "25.0\xa0%"],
        ["Disbursed funds", _money("80"), _money("400"), "20.0\xa0%"],
    ]
    assert "Of committed funds, 25.0\xa0% reaches local actors" in chart.label


def test_the_localisation_chart_says_when_nothing_is_committed_or_disbursed():
    chart = localisation_chart(Figures(), "GHS")
    committed, disbursed = _groups(_parsed(chart), "measure")
    assert "Nothing committed yet" in _text(committed)
    assert "Nothing disbursed yet" in _text(disbursed)
    assert _width(committed, "local") == 0 and "%" not in _text(committed)
    assert [row[3] for row in chart.rows] == ["Nothing committed yet", "Nothing disbursed yet"]
    assert "Nothing committed yet." in chart.label


def test_the_template_shows_the_chart_and_its_table():
    chart = target_funding_chart(TARGET_ROWS, "GHS")
    html = render_to_string("funding/includes/chart.html", {"chart": chart})
    assert "<figure" in html and str(chart.svg) in html
    assert "<details" in html and "Show the figures as a table" in html
    assert f'<caption class="caption-top">{chart.label}</caption>' in html
    assert html.count('<th scope="col"') == 6
    assert html.count('<th scope="row">') == 3
    assert '<th scope="row">8.8 Protect labour rights</th>' in html
    assert _money("400000") in html
    assert '<details class="mt-2" open>' in render_to_string(
        "funding/includes/chart.html", {"chart": chart, "open": True}
    )


def test_the_template_of_an_empty_chart_has_no_table():
    html = render_to_string("funding/includes/chart.html", {"chart": funding_mix_chart([], "GHS")})
    assert "nothing to show yet" in html and "<table" not in html
