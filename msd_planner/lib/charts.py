"""Charts drawn on the server as SVG, for every app: the data shapes, the palette, the
drawing primitives and the kinds of chart the plan's pages and PDF show. An app turns
its figures into these shapes (``funding/charts.py``, ``interventions/templatetags/
results.py``); nothing here knows a model.

The markup has no script, fetches nothing and has no inline style — only presentation
attributes — so the Content Security Policy holds and WeasyPrint draws the same markup
in the PDF. Every text is escaped where it is written: the SVG is well-formed XML.

Each chart is named by its ``<title>`` (``Chart.title``) and described by its ``<desc>``
(``Chart.description``: what the figures show, in words); its figures are also rows of a
data table (``Chart.headers``, ``Chart.rows``), which the page shows beside it. A series
is told apart by its name in words, its place and its fill — a pattern, an outline or a
solid colour, never a colour alone — and a status by its words (the note of a group).

The kinds:

* ``bar_groups_chart`` — groups of horizontal bars on one scale, each group headed by its
  name and a note, a bar optionally ending in a patterned tail (a gap);
* ``part_bars_chart`` — bars of 100 %, the part of the whole filled, its share written;
* ``progress_chart`` — values over the years against their targets (a line chart);
* ``nothing_to_show`` — a chart that says in words why there is nothing to draw.

Text cannot be measured on the server: its room is estimated from the number of
characters (``text_width``, generous for a sans-serif font), and long names are cut.
"""

import math
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from msd_planner.lib.formatting import number

WIDTH = 460  # the viewBox's width of a bar chart
# Drawn at 1.3 times the viewBox (600 px wide, its text about the size of the page's), and
# shrunk to narrower screens by Bootstrap's img-fluid.
SCALE = 1.3
FONT_SIZE, SMALL = 12, 11
LINE = 16  # the height of a line of text, and of a line of the legend

# --- the palette ----------------------------------------------------------------------------
# Bootstrap's colours, dark enough on white for text (INK, MUTED, ALERT) or for a bar beside
# its neighbours. A colour never says anything alone: each look below also differs from the
# others by its pattern or outline, and every series and status is named in words.

INK, MUTED, AXIS, GRID = "#212529", "#495057", "#adb5bd", "#dee2e6"
ALERT = "#b02a37"
DARK, SLATE, GREY, LIGHT_GREY = "#343a40", "#59636e", "#6c757d", "#e9ecef"
BLUE, NAVY, PALE_BLUE = "#0b5ed7", "#052c65", "#cfe2ff"
PURPLE, PALE_PURPLE = "#6f42c1", "#e0cffc"
GREEN = "#198754"


@dataclass(frozen=True)
class Stripes:
    """A fill of parallel lines on a background, turned by ``angle`` degrees."""

    background: str
    colour: str
    angle: int
    line: float  # the lines' width


@dataclass(frozen=True)
class Look:
    """How the bars of a series are filled and outlined."""

    fill: str = "#fff"
    stroke: str | None = None
    stripes: Stripes | None = None  # when set, fills in place of ``fill``


OUTLINED = Look("#fff", stroke=DARK)
HATCHED_RED = Look(stroke=DARK, stripes=Stripes("#fff", ALERT, angle=45, line=2))
STRIPED_BLUE = Look(stroke=BLUE, stripes=Stripes(PALE_BLUE, BLUE, angle=-45, line=1.5))
STRIPED_PURPLE = Look(stroke=PURPLE, stripes=Stripes(PURPLE, PALE_PURPLE, angle=45, line=1.5))
SOLID_BLUE = Look(BLUE)
SOLID_NAVY = Look(NAVY)
SOLID_GREEN = Look(GREEN)
PALE_GREY = Look(LIGHT_GREY, stroke=GREY)

# The marks of a progress chart: told apart by shape and line as well as colour.
TARGET_COLOUR, PROGRESS_COLOUR, BASELINE_COLOUR = SLATE, BLUE, INK


# --- the data shapes ------------------------------------------------------------------------


@dataclass(frozen=True)
class Chart:
    svg: SafeString
    title: str  # the accessible name: what the chart shows
    description: str  # what its figures say, in words ("" when the title says all)
    headers: list[str]  # the data table's column headers
    rows: list[list[str]]  # its rows, formatted; the first cell of each names the row

    @property
    def label(self) -> str:
        """The title and the description, as one caption of the chart and its table."""
        return " ".join(part for part in (self.title, self.description) if part)


@dataclass(frozen=True)
class Series:
    """What some bars show: ``key`` is the class of its bars and the id of its pattern (a
    word, unique in the chart), ``name`` its name in the legend and beside its bars."""

    key: str
    name: str
    look: Look
    thin: bool = False  # drawn as a thin bar, so that the bar beside it stands out


@dataclass(frozen=True)
class Tail:
    """The last ``amount`` of a bar, drawn over it in the fill of ``series``."""

    series: Series
    amount: Decimal | None


@dataclass(frozen=True)
class Bar:
    series: Series
    value: Decimal | None  # None or below zero: no bar, only its text
    text: str  # the value in words, written at the end of the bar
    tail: Tail | None = None
    strong: bool = False  # its text in ink: the figure the group is about


@dataclass(frozen=True)
class Run:
    """A piece of a group's heading."""

    text: str
    bold: bool = False
    fill: str | None = None
    clip: bool = False  # the free text, cut with an ellipsis to fit the line


@dataclass(frozen=True)
class BarGroup:
    heading: Sequence[Run]
    bars: Sequence[Bar]
    note: str = ""  # written in bold at the right of the heading: the group's status
    alert: bool = False  # the note in the alert colour (the note says it in words too)
    marked: bool = False  # the chart's marker drawn before the heading


@dataclass(frozen=True)
class PartBar:
    """A bar of 100 % of which the share ``share`` is the part (None: nothing to divide)."""

    name: str
    share: Decimal | None
    note: str  # the share in words, at the right of the name
    caption: str  # the amounts in words, under the bar
    empty: str  # said in the bar when there is nothing to divide
    target: Decimal | None = None  # the share aimed at, marked across the bar (None: none)
    target_note: str = ""  # where the share stands against the target, on a line below


# --- the primitives -------------------------------------------------------------------------


def coordinate(value: float) -> str:
    """A coordinate, to a tenth."""
    return f"{value:.1f}".removesuffix(".0")


def text_width(text: str, size: float = FONT_SIZE, bold: bool = False) -> float:
    """The room ``text`` is expected to take, generous for a sans-serif font."""
    return len(text) * size * (0.62 if bold else 0.58)


def clip(text: str, room: float, size: float = FONT_SIZE, bold: bool = False) -> str:
    """``text`` cut with an ellipsis to fit ``room``."""
    if text_width(text, size, bold) <= room:
        return text
    keep = max(int(room / (size * (0.62 if bold else 0.58))) - 1, 1)
    return text[:keep].rstrip() + "…"


def attributes(values: dict[str, Any]) -> str:
    """Keyword arguments as SVG attributes, escaped: ``font_size=11`` → ``font-size="11"``,
    ``class_="cost"`` → ``class="cost"``."""
    return "".join(
        f' {name.rstrip("_").replace("_", "-")}="{escape(value)}"' for name, value in values.items()
    )


def text(x: float, y: float, content: str, **values: Any) -> str:
    return (
        f'<text x="{coordinate(x)}" y="{coordinate(y)}"{attributes(values)}>'
        f"{escape(content)}</text>"
    )


def rect(x: float, y: float, width: float, height: float, fill: str, **values: Any) -> str:
    return (
        f'<rect x="{coordinate(x)}" y="{coordinate(y)}" width="{coordinate(width)}" '
        f'height="{coordinate(height)}" fill="{escape(fill)}"{attributes(values)}/>'
    )


def line(x1: float, y1: float, x2: float, y2: float, stroke: str, **values: Any) -> str:
    return (
        f'<line x1="{coordinate(x1)}" y1="{coordinate(y1)}" x2="{coordinate(x2)}" '
        f'y2="{coordinate(y2)}" stroke="{escape(stroke)}"{attributes(values)}/>'
    )


def diamond(cx: float, cy: float, radius: float = 5, fill: str = PURPLE) -> str:
    """A marker beside a word (an innovative source)."""
    points = [(cx, cy - radius), (cx + radius, cy), (cx, cy + radius), (cx - radius, cy)]
    joined = " ".join(f"{coordinate(px)},{coordinate(py)}" for px, py in points)
    return f'<polygon points="{joined}" fill="{escape(fill)}"/>'


def _pattern(pattern_id: str, stripes: Stripes) -> str:
    return (
        f'<pattern id="{escape(pattern_id)}" patternUnits="userSpaceOnUse" width="6" '
        f'height="6" patternTransform="rotate({stripes.angle})">'
        f'<rect width="6" height="6" fill="{escape(stripes.background)}"/>'
        f'<line x1="1" y1="0" x2="1" y2="6" stroke="{escape(stripes.colour)}" '
        f'stroke-width="{stripes.line}"/>'
        "</pattern>"
    )


def _svg(
    chart_id: str,
    title: str,
    description: str,
    *,
    view: tuple[float, float],
    size: dict[str, Any],
    css_class: str,
    font_size: float,
    body: str,
) -> SafeString:
    """The SVG element: named by its title, described by its description."""
    named = {"aria_labelledby": f"{chart_id}-title"}
    if description:
        named["aria_describedby"] = f"{chart_id}-desc"
    desc = f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>' if description else ""
    return mark_safe(  # noqa: S308 - every text and attribute is escaped where it is written
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{escape(css_class)}" role="img"'
        f'{attributes(named)} viewBox="0 0 {coordinate(view[0])} {coordinate(view[1])}"'
        f'{attributes(size)} font-size="{font_size}" font-family="inherit" fill="{INK}">'
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>{desc}{body}</svg>'
    )


class Drawing:
    """The markup of one bar chart as it is drawn, with the patterns its series use; their
    ids carry the chart's id so that two charts on one page keep apart."""

    def __init__(self, chart_id: str) -> None:
        self.chart_id = chart_id
        self.parts: list[str] = []
        self._patterns: dict[str, Stripes] = {}

    def add(self, *parts: str) -> None:
        self.parts.extend(parts)

    def fill(self, series: Series) -> str:
        stripes = series.look.stripes
        if stripes is None:
            return series.look.fill
        self._patterns[series.key] = stripes
        return f"url(#{self.chart_id}-{series.key})"

    def bar(self, series: Series, x: float, y: float, width: float, height: float) -> None:
        stroke = {"stroke": series.look.stroke} if series.look.stroke else {}
        self.add(rect(x, y, width, height, self.fill(series), **stroke, class_=series.key))

    def svg(self, title: str, description: str, height: float) -> SafeString:
        defs = "".join(
            _pattern(f"{self.chart_id}-{key}", stripes) for key, stripes in self._patterns.items()
        )
        return _svg(
            self.chart_id,
            title,
            description,
            view=(WIDTH, height),
            size={"width": coordinate(WIDTH * SCALE), "height": coordinate(height * SCALE)},
            css_class="chart img-fluid",
            font_size=FONT_SIZE,
            body=(f"<defs>{defs}</defs>" if defs else "") + "".join(self.parts),
        )


def legend(drawing: Drawing, keys: Sequence[Series], y: float, marker: str = "") -> float:
    """The legend, its keys flowing onto as many lines as they need: each a swatch of the
    series' fill and its name; then, on a line of its own, the chart's marker and what it
    means. Returns the y below it."""
    drawing.add('<g class="legend">')
    x = 0.0
    for series in keys:
        width = 20 + text_width(series.name, SMALL) + 14
        if x and x + width > WIDTH:
            x, y = 0.0, y + LINE
        if series.thin:
            drawing.bar(series, x + 0.5, y - 6, 14, 5)
        else:
            drawing.bar(series, x + 0.5, y - 9, 14, 10)
        drawing.add(text(x + 19, y, series.name, font_size=SMALL))
        x += width
    drawing.add("</g>")
    if marker:
        y += LINE
        drawing.add(diamond(6, y - 4), text(19, y, marker, font_size=SMALL))
    return y + LINE


def nothing_to_show(*, chart_id: str, title: str, headers: list[str]) -> Chart:
    """A chart with no figure: its title written in the picture, and no table rows."""
    lines = textwrap.wrap(title, int(WIDTH / (FONT_SIZE * 0.58)))
    drawing = Drawing(chart_id)
    for position, words in enumerate(lines):
        drawing.add(text(0, LINE * (position + 1) - 4, words))
    return Chart(drawing.svg(title, "", LINE * len(lines) + 4), title, "", headers, [])


# --- groups of bars on one scale ------------------------------------------------------------


class _Scale:
    """Lengths of bars starting at zero: the largest value of the chart fills ``plot``; a
    value that is missing, zero or below zero draws no bar."""

    def __init__(self, values: list[Decimal | None], plot: float) -> None:
        self.top = max((value for value in values if value and value > 0), default=Decimal(0))
        self.plot = plot

    def length(self, value: Decimal | None) -> float:
        if not value or value < 0 or not self.top:
            return 0.0
        return float(value / self.top) * self.plot


def _baseline(bar_y: float, height: float, size: float) -> float:
    """The baseline of a text of ``size`` centred on a bar, on a whole pixel."""
    return bar_y + math.ceil(height / 2 + size * 0.35)


def _heading(runs: Sequence[Run], x: float, y: float, room: float) -> str:
    """A group's heading: its runs on one line, the free one cut to the room left."""
    fixed = sum(text_width(run.text, FONT_SIZE, bold=True) for run in runs if not run.clip)
    markup = []
    for run in runs:
        content = clip(run.text, room - fixed) if run.clip else run.text
        style = {"font_weight": "bold"} if run.bold else {}
        if run.fill:
            style["fill"] = run.fill
        markup.append(
            f"<tspan{attributes(style)}>{escape(content)}</tspan>" if style else escape(content)
        )
    return f'<text x="{coordinate(x)}" y="{coordinate(y)}">{"".join(markup)}</text>'


@dataclass(frozen=True)
class _Layout:
    """Where the groups of one bar chart put their parts."""

    group_class: str
    scale: _Scale
    indent: float  # the headings' x: room for the marker
    left: float  # the bars' x: room for their names
    bar_height: float
    bar_names: bool
    group_gap: float  # the room between a group's last bar and the next group


def _bar_group(drawing: Drawing, group: BarGroup, y: float, layout: _Layout) -> float:
    """One group: the heading and note, then its bars one under the other, their names at
    the left (``bar_names``) and their values at their ends. Returns the y below it."""
    drawing.add(f'<g class="{escape(layout.group_class)}">')
    note_room = text_width(group.note, FONT_SIZE, bold=True) if group.note else 0
    if group.marked:
        drawing.add(diamond(6, y + 8))
    heading_room = WIDTH - layout.indent - note_room - 12
    drawing.add(_heading(group.heading, layout.indent, y + 12, heading_room))
    if group.note:
        fill = ALERT if group.alert else INK
        drawing.add(
            text(WIDTH, y + 12, group.note, text_anchor="end", font_weight="bold", fill=fill)
        )
    left, bar_y = layout.left, y + 18
    for bar in group.bars:
        height = 6 if bar.series.thin else layout.bar_height
        size = SMALL - 1 if bar.series.thin else SMALL
        if layout.bar_names:
            name_y = _baseline(bar_y, height, SMALL)
            drawing.add(text(left - 6, name_y, bar.series.name, font_size=SMALL, text_anchor="end"))
        width = layout.scale.length(bar.value)
        if width:
            drawing.bar(bar.series, left, bar_y, width, height)
        if bar.tail and bar.tail.amount and width:
            start = layout.scale.length((bar.value or Decimal(0)) - bar.tail.amount)
            drawing.bar(bar.tail.series, left + start, bar_y, width - start, height)
        value_y = _baseline(bar_y, height, size)
        fill = INK if bar.strong else MUTED
        drawing.add(text(left + width + 4, value_y, bar.text, font_size=size, fill=fill))
        bar_y += height + 4
    drawing.add(line(left, y + 16, left, bar_y - 2, AXIS), "</g>")
    return bar_y - 4 + layout.group_gap


def bar_groups_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    headers: list[str],
    rows: list[list[str]],
    keys: Sequence[Series],
    groups: Sequence[BarGroup],
    group_class: str,
    bar_names: bool = False,
    bar_height: float = 12,
    group_gap: float = 14,
    marker: str = "",
    measured: Sequence[BarGroup] = (),
) -> Chart:
    """Groups of horizontal bars on one scale (``keys`` are the legend's series). With
    ``bar_names`` each bar is named at its left; a ``marker`` (what the marker means)
    keeps room before every heading for the marker of the ``marked`` groups. Each group
    is a ``<g class="{group_class}">``. ``measured`` (the groups of every part, when a chart
    is cut into parts) gives the scale and the room instead of ``groups``: the parts
    then read on one scale."""
    drawing = Drawing(chart_id)
    y = legend(drawing, keys, LINE - 4, marker) + 4
    bars = [bar for group in measured or groups for bar in group.bars]
    indent = 14 if marker else 0
    left = indent
    if bar_names and bars:
        left = max(text_width(bar.series.name, SMALL) for bar in bars) + 10
    room = max((text_width(bar.text, SMALL) for bar in bars), default=0) + 8
    layout = _Layout(
        group_class=group_class,
        scale=_Scale([bar.value for bar in bars], max(WIDTH - left - room, 120)),
        indent=indent,
        left=left,
        bar_height=bar_height,
        bar_names=bar_names,
        group_gap=group_gap,
    )
    for group in groups:
        y = _bar_group(drawing, group, y, layout)
    return Chart(drawing.svg(title, description, y), title, description, headers, rows)


# --- parts of a whole -----------------------------------------------------------------------


def _target_mark(drawing: Drawing, bar: PartBar, bar_y: float, plot: float) -> None:
    if bar.target is None:
        return
    x = 0.5 + float(min(max(bar.target, Decimal(0)), Decimal(1))) * plot
    drawing.add(line(x, bar_y - 4, x, bar_y + 22, DARK, stroke_width=3, class_="target"))


def _part_bar(drawing: Drawing, bar: PartBar, y: float, part: Series, rest: Series) -> float:
    plot = WIDTH - 1
    drawing.add('<g class="measure">', text(0, y + 12, bar.name, font_weight="bold"))
    bar_y = y + 18
    if bar.share is None:
        drawing.add(
            rect(0.5, bar_y, plot, 18, "#fff", stroke=GREY, stroke_dasharray="4 3"),
            text(WIDTH / 2, bar_y + 13, bar.empty, text_anchor="middle", fill=MUTED),
        )
        _target_mark(drawing, bar, bar_y, plot)
        end = bar_y + 30
        if bar.target_note:
            drawing.add(text(0, bar_y + 34, bar.target_note, font_size=SMALL))
            end += LINE
        drawing.add("</g>")
        return end
    drawing.add(text(WIDTH, y + 12, bar.note, text_anchor="end", font_weight="bold"))
    drawing.bar(rest, 0.5, bar_y, plot, 18)
    width = float(min(max(bar.share, Decimal(0)), Decimal(1))) * plot
    if width:
        drawing.bar(part, 0.5, bar_y, width, 18)
    _target_mark(drawing, bar, bar_y, plot)
    drawing.add(text(0, bar_y + 32, bar.caption, font_size=SMALL, fill=MUTED))
    end = bar_y + 42
    if bar.target_note:
        drawing.add(text(0, bar_y + 32 + LINE, bar.target_note, font_size=SMALL))
        end += LINE
    drawing.add("</g>")
    return end


def part_bars_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    headers: list[str],
    rows: list[list[str]],
    part: Series,
    rest: Series,
    bars: Sequence[PartBar],
    target_name: str = "",
) -> Chart:
    """Bars of 100 %, each split into the ``part`` (its share, filled from the left) and
    the ``rest``; a bar with nothing to divide is a dashed outline that says so. Each bar
    is a ``<g class="measure">``. A bar's target is a dark line across it, named in the
    legend ``target_name``."""
    drawing = Drawing(chart_id)
    y = legend(drawing, [part, rest], LINE - 4)
    if target_name and any(bar.target is not None for bar in bars):
        drawing.add(
            '<g class="legend">',
            line(7.5, y - 11, 7.5, y + 1, DARK, stroke_width=3, class_="target"),
            text(19, y, target_name, font_size=SMALL),
            "</g>",
        )
        y += LINE
    y += 4
    for bar in bars:
        y = _part_bar(drawing, bar, y, part, rest)
    return Chart(drawing.svg(title, description, y), title, description, headers, rows)


# --- progress against targets ---------------------------------------------------------------
# Each year is a band of the horizontal axis: a target ("by the end of the year") sits at
# the end of its year's band, a baseline in the middle of its year, a progress value at its
# date. Targets are open circles on a dashed line, progress filled dots on a solid line,
# the baseline a square.

PROGRESS_WIDTH, PROGRESS_HEIGHT = 360, 190
# room for the value labels at the left, the legend at the top and the years at the bottom
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 30, 26


def _year_fraction(day: date) -> float:
    start = date(day.year, 1, 1)
    days_in_year = (date(day.year + 1, 1, 1) - start).days
    return day.year + (day - start).days / days_in_year


def _short_date(day: date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def progress_chart(
    *,
    chart_id: str,
    title: str,
    unit: str,
    targets: list[tuple[int, Decimal]],
    progress: list[tuple[date, Decimal]],
    baseline: tuple[int, Decimal] | None = None,
    show_number: Callable[[Decimal], str] = number,
    show_date: Callable[[date], str] = _short_date,
) -> Chart:
    """The chart of one indicator: ``targets`` (year, value), ``progress`` (date, value)
    and the ``baseline`` (year, value), each in time order; numbers and dates written in
    the active language. With no value at all, the chart is empty (no SVG, no rows)."""
    rows = []
    if baseline is not None:
        rows.append([_("Baseline"), str(baseline[0]), show_number(baseline[1])])
    rows += [[_("Target"), str(year), show_number(value)] for year, value in targets]
    rows += [[_("Progress"), show_date(day), show_number(value)] for day, value in progress]
    headers = [_("What"), _("When"), _("Value")]
    chart_title = _("Progress against target for %(title)s, in %(unit)s.") % {
        "title": title,
        "unit": unit,
    }
    description = _progress_description(targets, progress, show_number, show_date)
    if not rows:
        return Chart(mark_safe(""), chart_title, description, headers, [])
    body = _progress_body(targets, progress, baseline, show_number)
    svg = _svg(
        chart_id,
        chart_title,
        description,
        view=(PROGRESS_WIDTH, PROGRESS_HEIGHT),
        size={"width": "100%"},  # its width: .results-chart in app.css
        css_class="chart results-chart",
        font_size=11,
        body=body,
    )
    return Chart(svg, chart_title, description, headers, rows)


def _progress_description(
    targets: list[tuple[int, Decimal]],
    progress: list[tuple[date, Decimal]],
    show_number: Callable[[Decimal], str],
    show_date: Callable[[date], str],
) -> str:
    parts = []
    if progress:
        day, value = progress[-1]
        parts.append(
            _("Latest value %(value)s, measured on %(date)s.")
            % {"value": show_number(value), "date": show_date(day)}
        )
    else:
        parts.append(_("No progress recorded yet."))
    if targets:
        year, value = targets[-1]
        parts.append(
            _("Target %(value)s by %(year)s.") % {"value": show_number(value), "year": year}
        )
    return " ".join(parts)


class _Plot:
    """The progress chart's axes: years across (a band each), values up, zero included."""

    def __init__(self, years: list[int], values: list[Decimal]) -> None:
        self.first, self.last = min(years), max(years)
        self.low, self.high = min(Decimal(0), *values), max(Decimal(0), *values)
        if self.high == self.low:
            self.high = self.low + 1
        self.width = PROGRESS_WIDTH - LEFT - RIGHT
        self.height = PROGRESS_HEIGHT - TOP - BOTTOM

    def x(self, position: float) -> float:
        return round(LEFT + (position - self.first) / (self.last + 1 - self.first) * self.width, 1)

    def y(self, value: Decimal) -> float:
        return round(TOP + float((self.high - value) / (self.high - self.low)) * self.height, 1)


def _progress_body(
    targets: list[tuple[int, Decimal]],
    progress: list[tuple[date, Decimal]],
    baseline: tuple[int, Decimal] | None,
    show_number: Callable[[Decimal], str],
) -> str:
    years = [year for year, _value in targets] + [day.year for day, _value in progress]
    values = [value for _year, value in targets] + [value for _day, value in progress]
    if baseline is not None:
        years.append(baseline[0])
        values.append(baseline[1])
    plot = _Plot(years, values)
    return "".join(
        [
            *_progress_axes(plot, show_number),
            *_progress_legend(),
            *_progress_marks(plot, targets, progress, baseline),
        ]
    )


def _progress_axes(plot: _Plot, show_number: Callable[[Decimal], str]) -> list[str]:
    """The axes, the scale's extremes and zero (a line of its own when values go below
    it), and the years, at most about six of them written."""
    right = LEFT + plot.width
    parts = [
        line(LEFT, TOP, LEFT, TOP + plot.height, AXIS),
        line(LEFT, plot.y(plot.low), right, plot.y(plot.low), AXIS),
    ]
    for value in sorted({plot.low, Decimal(0), plot.high}):
        parts.append(text(LEFT - 4, plot.y(value) + 4, show_number(value), text_anchor="end"))
        if value == 0 and plot.low < 0:
            parts.append(line(LEFT, plot.y(value), right, plot.y(value), GRID))
    span = plot.last - plot.first + 1
    step = 1 if span <= 8 else (span + 5) // 6
    for year in range(plot.first, plot.last + 1):
        if (year - plot.first) % step == 0 or year == plot.last:
            parts.append(
                text(plot.x(year + 0.5), PROGRESS_HEIGHT - 8, str(year), text_anchor="middle")
            )
    return parts


def _progress_legend() -> list[str]:
    """The legend, in words beside each mark."""
    return [
        f'<g transform="translate({LEFT},10)">',
        line(0, 0, 18, 0, TARGET_COLOUR, stroke_width=2, stroke_dasharray="4 3"),
        _circle(9, 0, open_mark=True),
        text(22, 4, _("Target")),
        line(90, 0, 108, 0, PROGRESS_COLOUR, stroke_width=2),
        _circle(99, 0, open_mark=False),
        text(112, 4, _("Progress")),
        rect(186, -3.5, 7, 7, BASELINE_COLOUR),
        text(198, 4, _("Baseline")),
        "</g>",
    ]


def _circle(cx: float, cy: float, *, open_mark: bool) -> str:
    """A target's open circle, or a progress value's filled dot."""
    if open_mark:
        return (
            f'<circle cx="{coordinate(cx)}" cy="{coordinate(cy)}" r="3.5" fill="#fff" '
            f'stroke="{TARGET_COLOUR}" stroke-width="2"/>'
        )
    return f'<circle cx="{coordinate(cx)}" cy="{coordinate(cy)}" r="3.5" fill="{PROGRESS_COLOUR}"/>'


def _polyline(points: list[tuple[float, float]], stroke: str, **values: Any) -> str:
    joined = " ".join(f"{coordinate(px)},{coordinate(py)}" for px, py in points)
    return (
        f'<polyline points="{joined}" fill="none" stroke="{escape(stroke)}" stroke-width="2"'
        f"{attributes(values)}/>"
    )


def _progress_marks(
    plot: _Plot,
    targets: list[tuple[int, Decimal]],
    progress: list[tuple[date, Decimal]],
    baseline: tuple[int, Decimal] | None,
) -> list[str]:
    """The targets' dashed line and open circles, progress's line and dots, the baseline's
    square."""
    target_points = [(plot.x(year + 0.999), plot.y(value)) for year, value in targets]
    progress_points = [(plot.x(_year_fraction(day)), plot.y(value)) for day, value in progress]
    parts = []
    if len(target_points) > 1:
        parts.append(_polyline(target_points, TARGET_COLOUR, stroke_dasharray="4 3"))
    if len(progress_points) > 1:
        parts.append(_polyline(progress_points, PROGRESS_COLOUR))
    parts += [_circle(cx, cy, open_mark=True) for cx, cy in target_points]
    parts += [_circle(cx, cy, open_mark=False) for cx, cy in progress_points]
    if baseline is not None:
        bx, by = plot.x(baseline[0] + 0.5), plot.y(baseline[1])
        parts.append(rect(bx - 3.5, by - 3.5, 7, 7, BASELINE_COLOUR))
    return parts
