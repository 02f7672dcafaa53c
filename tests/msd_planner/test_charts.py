"""The chart library as a reader meets its charts: named and described, the figures as
table rows, every text escaped (the SVG stays well-formed XML), nothing drawn for what is
missing, zero or below zero, shares kept within the bar, and numbers and dates written in
the active language. No database."""

import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from msd_planner.lib import charts
from msd_planner.lib.charts import Bar, BarGroup, PartBar, Run, Series, Tail

SVG = "{http://www.w3.org/2000/svg}"
TYPED = '<script>alert("x")</script> & “more”'

COST = Series("cost", "Cost", charts.OUTLINED)
GAP = Series("gap", "Gap", charts.HATCHED_RED)
PAID = Series("paid", "Paid", charts.SOLID_BLUE)
PLEDGED = Series("pledged", "Pledged", charts.STRIPED_BLUE, thin=True)


def _parsed(chart) -> ET.Element:
    """The chart's SVG as XML (fails on anything that is not well-formed)."""
    return ET.fromstring(str(chart.svg))  # noqa: S314 - markup this code built, in a test


def _texts(svg: ET.Element) -> list[str]:
    return ["".join(node.itertext()) for node in svg.iter(f"{SVG}text")]


def _bars(svg: ET.Element, key: str) -> list[ET.Element]:
    return [rect for rect in svg.iter(f"{SVG}rect") if rect.get("class") == key]


def _groups_chart(groups, *, description="What the figures say.", **options):
    return charts.bar_groups_chart(
        chart_id="test",
        title="What the chart shows",
        description=description,
        headers=["Name", "Value"],
        rows=[["A", "1"]],
        keys=[COST, GAP, PAID, PLEDGED],
        groups=groups,
        group_class="item",
        **options,
    )


A_HEADING = (Run("A"),)


def _group(*bars: Bar, heading=A_HEADING, **options) -> BarGroup:
    return BarGroup(heading=list(heading), bars=list(bars), **options)


def _progress(**options):
    values = {
        "chart_id": "indicator-1",
        "title": "Migrants registered",
        "unit": "people",
        "targets": [(2026, Decimal(100)), (2028, Decimal(300))],
        "progress": [(date(2026, 6, 30), Decimal("1234.5"))],
        "baseline": (2024, Decimal(80)),
    }
    return charts.progress_chart(**{**values, **options})


def _parts_chart() -> charts.Chart:
    return charts.part_bars_chart(
        chart_id="parts",
        title="Shares",
        description="A quarter.",
        headers=["Funds", "Share"],
        rows=[["Committed", "25 %"]],
        part=Series("local", "Local", charts.SOLID_GREEN),
        rest=Series("other", "Other", charts.PALE_GREY),
        bars=[PartBar("Committed", Decimal("0.25"), "25 %", "25 of 100", "Nothing yet")],
    )


KINDS = {
    "bars": lambda: _groups_chart([_group(Bar(COST, Decimal(10), "10"))]),
    "bars without description": lambda: _groups_chart(
        [_group(Bar(COST, Decimal(10), "10"))], description=""
    ),
    "parts": _parts_chart,
    "progress": _progress,
    "nothing to show": lambda: charts.nothing_to_show(
        chart_id="empty", title="Nothing to show yet.", headers=["A"]
    ),
}


@pytest.mark.parametrize("kind", KINDS)
def test_every_chart_is_named_by_its_title_and_described_by_its_description(kind):
    chart = KINDS[kind]()
    svg = _parsed(chart)

    assert svg.get("role") == "img"
    title = svg.find(f"{SVG}title")
    assert title.text == chart.title and title.get("id") == svg.get("aria-labelledby")
    desc = svg.find(f"{SVG}desc")
    if chart.description:
        assert desc.text == chart.description and desc.get("id") == svg.get("aria-describedby")
        assert chart.label == f"{chart.title} {chart.description}"
    else:
        assert desc is None and "aria-describedby" not in svg.attrib
        assert chart.label == chart.title
    assert not any("style" in element.attrib for element in svg.iter())
    assert svg.find(f".//{SVG}script") is None and svg.find(f".//{SVG}style") is None


def test_the_figures_are_the_rows_of_a_table():
    chart = _progress()

    assert chart.headers == ["What", "When", "Value"]
    assert chart.rows == [
        ["Baseline", "2024", "80"],
        ["Target", "2026", "100"],
        ["Target", "2028", "300"],
        ["Progress", "30 Jun 2026", "1,234.5"],
    ]
    assert _groups_chart([]).rows == [["A", "1"]]  # the rows the app gave, as given


def test_every_text_is_escaped_and_the_svg_stays_well_formed():
    chart = charts.bar_groups_chart(
        chart_id='a"b',
        title=TYPED,
        description=TYPED,
        headers=[],
        rows=[],
        keys=[Series("cost", TYPED, charts.OUTLINED)],
        groups=[
            _group(
                Bar(Series("cost", TYPED, charts.OUTLINED), Decimal(5), TYPED),
                heading=[Run(TYPED, bold=True), Run(TYPED, clip=True)],
                note=TYPED,
            )
        ],
        group_class="item",
        bar_names=True,
        marker=TYPED,
    )

    svg = _parsed(chart)
    assert "<script>" not in chart.svg
    assert svg.find(f"{SVG}title").text == TYPED and svg.find(f"{SVG}desc").text == TYPED
    texts = _texts(svg)
    assert texts.count(TYPED) == 5  # legend, marker, bar name, bar value, note
    heading = texts[2]  # after the legend and the marker: its runs in one text
    assert heading.startswith(TYPED) and heading.endswith("…")  # no room left: cut

    progress = _progress(title=TYPED, unit="<b>%</b>")
    assert "<script>" not in progress.svg and "<b>" not in progress.svg
    assert TYPED in _parsed(progress).find(f"{SVG}title").text


def test_a_long_heading_is_cut_to_its_line():
    title = "A very long name of a prioritised target " * 4
    chart = _groups_chart(
        [
            _group(
                Bar(COST, Decimal(1), "1"), heading=[Run("10.7", bold=True), Run(title, clip=True)]
            )
        ]
    )

    heading = next(text for text in _texts(_parsed(chart)) if text.startswith("10.7"))
    assert heading.endswith("…") and len(heading) < len(title)


def test_with_nothing_to_show_the_chart_says_so_and_has_no_rows():
    chart = charts.nothing_to_show(
        chart_id="empty",
        title="Funding: nothing to show yet, as no funds are recorded.",
        headers=["Kind", "Committed"],
    )

    assert chart.rows == [] and chart.headers == ["Kind", "Committed"]
    assert " ".join(_texts(_parsed(chart))) == chart.title
    assert _parsed(chart).find(f".//{SVG}rect") is None


def test_a_progress_chart_without_any_value_is_empty():
    chart = _progress(targets=[], progress=[], baseline=None)

    assert chart.svg == "" and chart.rows == []
    assert chart.description == "No progress recorded yet."


def test_missing_zero_and_negative_values_draw_no_bar_but_keep_their_text():
    chart = _groups_chart(
        [
            _group(
                Bar(COST, Decimal(10), "ten"),
                Bar(PAID, Decimal(0), "zero"),
                Bar(PAID, Decimal(-4), "minus four"),
                Bar(PAID, None, "no estimate"),
                Bar(PLEDGED, Decimal(5), "five"),
            )
        ]
    )

    svg = _parsed(chart)
    (cost,) = [rect for rect in _bars(svg, "cost") if rect.get("height") == "12"]
    (pledged,) = [rect for rect in _bars(svg, "pledged") if rect.get("height") == "6"]
    assert float(pledged.get("width")) == pytest.approx(float(cost.get("width")) / 2, abs=0.1)
    assert len(_bars(svg, "paid")) == 1  # the legend's swatch only
    assert {"ten", "zero", "minus four", "no estimate", "five"} <= set(_texts(svg))


def test_all_zero_draws_no_bar():
    chart = _groups_chart([_group(Bar(COST, Decimal(0), "0"), Bar(PAID, Decimal(0), "0"))])

    svg = _parsed(chart)
    drawn = [rect.get("height") for rect in svg.iter(f"{SVG}rect") if rect.get("class")]
    assert drawn == ["10", "10", "10", "5"]  # the legend's swatches only


def test_a_tail_ends_its_bar_in_its_own_fill():
    chart = _groups_chart([_group(Bar(COST, Decimal(100), "100", tail=Tail(GAP, Decimal(40))))])

    svg = _parsed(chart)
    cost, gap = _bars(svg, "cost")[-1], _bars(svg, "gap")[-1]
    assert float(gap.get("width")) == pytest.approx(0.4 * float(cost.get("width")), abs=0.1)
    assert float(gap.get("x")) + float(gap.get("width")) == pytest.approx(
        float(cost.get("x")) + float(cost.get("width")),
        abs=0.15,  # each to a tenth
    )
    assert gap.get("fill") == "url(#test-gap)"  # a pattern, not a colour alone
    assert svg.find(f".//{SVG}pattern[@id='test-gap']") is not None


def test_a_note_in_alert_says_it_in_words_and_colour():
    chart = _groups_chart(
        [
            _group(Bar(COST, Decimal(1), "1"), note="Gap: 5", alert=True),
            _group(Bar(COST, Decimal(1), "1"), note="No gap"),
        ]
    )

    notes = [
        text for text in _parsed(chart).iter(f"{SVG}text") if text.text in ("Gap: 5", "No gap")
    ]
    assert [note.get("fill") for note in notes] == [charts.ALERT, charts.INK]


def test_part_bars_keep_the_share_within_the_bar_and_say_when_there_is_nothing():
    local = Series("local", "Local", charts.SOLID_GREEN)
    other = Series("other", "Other", charts.PALE_GREY)
    chart = charts.part_bars_chart(
        chart_id="parts",
        title="Shares",
        description="",
        headers=[],
        rows=[],
        part=local,
        rest=other,
        bars=[
            PartBar("Over", Decimal("1.5"), "150 %", "150 of 100", "Nothing"),
            PartBar("Zero", Decimal(0), "0 %", "0 of 100", "Nothing"),
            PartBar("None", None, "", "", "Nothing committed yet"),
        ],
    )

    groups = [group for group in _parsed(chart).iter(f"{SVG}g") if group.get("class") == "measure"]
    over, zero, empty = groups
    whole = float(_bars(over, "other")[0].get("width"))
    assert float(_bars(over, "local")[0].get("width")) == whole
    assert _bars(zero, "local") == [] and "0 %" in _texts(zero)
    assert _bars(empty, "local") == [] and _bars(empty, "other") == []
    assert "Nothing committed yet" in _texts(empty)


def test_a_progress_chart_with_values_below_zero_draws_the_zero_line():
    chart = _progress(
        targets=[(2026, Decimal(-5))], progress=[(date(2026, 3, 1), Decimal(10))], baseline=None
    )

    svg = _parsed(chart)
    assert {"-5", "0", "10"} <= set(_texts(svg))
    assert any(line.get("stroke") == charts.GRID for line in svg.iter(f"{SVG}line"))


@pytest.mark.parametrize(
    ("language", "value", "day"),
    [
        ("en", "1,234.5", "30 Jun 2026"),
        ("fr", "1\N{NARROW NO-BREAK SPACE}234,5", "30 juin 2026"),
        ("es", "1.234,5", "30 jun 2026"),
    ],
)
def test_numbers_and_dates_are_written_in_the_active_language(language, value, day):
    with translation.override(language):
        chart = _progress()

    assert chart.rows[-1][1:] == [day, value]
    assert value in chart.description and day in chart.description
    assert value in _texts(_parsed(chart))  # the top of the scale
