"""A small chart of an indicator's progress against its targets: SVG markup built on the
server from the values (no script, nothing fetched), with the same figures as rows for
the data table that screen readers read.

Each year is a band of the horizontal axis: a target ("by the end of the year") sits at
the end of its year's band, a baseline in the middle of its year, a progress value at
its date. Targets are open circles on a dashed line, progress filled dots on a solid
line, the baseline a square: told apart by shape and line as well as colour.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from msd_planner.lib.formatting import number

WIDTH, HEIGHT = 360, 190
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 30, 26  # room for the value labels, legend and years
TARGET_COLOUR, PROGRESS_COLOUR, BASELINE_COLOUR = "#59636e", "#0b5ed7", "#212529"


@dataclass(frozen=True)
class Figure:
    """One row of the data table: what the value is, when, and the value in words."""

    kind: str
    when: str
    value: str


@dataclass(frozen=True)
class Chart:
    svg: SafeString
    label: str  # the chart's accessible name: what it shows, in one sentence
    figures: list[Figure]


def _year_fraction(day: date) -> float:
    start = date(day.year, 1, 1)
    days_in_year = (date(day.year + 1, 1, 1) - start).days
    return day.year + (day - start).days / days_in_year


def progress_chart(
    *,
    title: str,
    unit: str,
    targets: list[tuple[int, Decimal]],
    progress: list[tuple[date, Decimal]],
    baseline: tuple[int, Decimal] | None = None,
    show_number: Callable[[Decimal], str] = number,
    show_date: Callable[[date], str] = lambda day: formats.date_format(day, "SHORT_DATE_FORMAT"),
) -> Chart:
    """The chart of one indicator: ``targets`` (year, value), ``progress`` (date, value)
    and the ``baseline`` (year, value), each in time order."""
    figures = []
    if baseline is not None:
        figures.append(Figure(_("Baseline"), str(baseline[0]), show_number(baseline[1])))
    figures += [Figure(_("Target"), str(year), show_number(value)) for year, value in targets]
    figures += [
        Figure(_("Progress"), show_date(day), show_number(value)) for day, value in progress
    ]
    label = _label(title, unit, targets, progress, show_number, show_date)
    if not targets and not progress and baseline is None:
        return Chart(svg=mark_safe(""), label=label, figures=[])
    return Chart(
        svg=_svg(label, targets, progress, baseline, show_number), label=label, figures=figures
    )


def _label(title, unit, targets, progress, show_number, show_date) -> str:
    parts = [
        _("Progress against target for %(title)s, in %(unit)s.") % {"title": title, "unit": unit}
    ]
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


def _svg(label, targets, progress, baseline, show_number) -> SafeString:
    years = [year for year, _value in targets] + [day.year for day, _value in progress]
    if baseline is not None:
        years.append(baseline[0])
    first, last = min(years), max(years)
    values = [value for _year, value in targets] + [value for _day, value in progress]
    if baseline is not None:
        values.append(baseline[1])
    low, high = min(Decimal(0), *values), max(Decimal(0), *values)
    if high == low:
        high = low + 1

    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(position: float) -> float:
        return round(LEFT + (position - first) / (last + 1 - first) * plot_width, 1)

    def y(value: Decimal) -> float:
        return round(TOP + float((high - value) / (high - low)) * plot_height, 1)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="results-chart" role="img" '
        f'aria-label="{escape(label)}" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        'font-size="11" font-family="inherit">',  # its width: .results-chart in app.css
        # axes, the zero line and the extremes of the scale
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_height}" stroke="#adb5bd"/>',
        f'<line x1="{LEFT}" y1="{y(low)}" x2="{LEFT + plot_width}" y2="{y(low)}" '
        f'stroke="#adb5bd"/>',
    ]
    for value in sorted({low, Decimal(0), high}):
        parts.append(
            f'<text x="{LEFT - 4}" y="{y(value) + 4}" text-anchor="end">'
            f"{escape(show_number(value))}</text>"
        )
        if value == 0 and low < 0:
            parts.append(
                f'<line x1="{LEFT}" y1="{y(value)}" x2="{LEFT + plot_width}" y2="{y(value)}" '
                f'stroke="#dee2e6"/>'
            )
    span = last - first + 1
    step = 1 if span <= 8 else (span + 5) // 6
    for year in range(first, last + 1):
        if (year - first) % step == 0 or year == last:
            parts.append(
                f'<text x="{x(year + 0.5)}" y="{HEIGHT - 8}" text-anchor="middle">{year}</text>'
            )
    # the legend, in words beside each mark
    parts += [
        f'<g transform="translate({LEFT},10)">',
        f'<line x1="0" y1="0" x2="18" y2="0" stroke="{TARGET_COLOUR}" stroke-width="2" '
        f'stroke-dasharray="4 3"/><circle cx="9" cy="0" r="3.5" fill="#fff" '
        f'stroke="{TARGET_COLOUR}" stroke-width="2"/>',
        f'<text x="22" y="4">{escape(_("Target"))}</text>',
        f'<line x1="90" y1="0" x2="108" y2="0" stroke="{PROGRESS_COLOUR}" stroke-width="2"/>'
        f'<circle cx="99" cy="0" r="3.5" fill="{PROGRESS_COLOUR}"/>',
        f'<text x="112" y="4">{escape(_("Progress"))}</text>',
        f'<rect x="186" y="-3.5" width="7" height="7" fill="{BASELINE_COLOUR}"/>',
        f'<text x="198" y="4">{escape(_("Baseline"))}</text>',
        "</g>",
    ]
    target_points = [(x(year + 0.999), y(value)) for year, value in targets]
    progress_points = [(x(_year_fraction(day)), y(value)) for day, value in progress]
    if len(target_points) > 1:
        parts.append(
            f'<polyline points="{_points(target_points)}" fill="none" stroke="{TARGET_COLOUR}" '
            f'stroke-width="2" stroke-dasharray="4 3"/>'
        )
    if len(progress_points) > 1:
        parts.append(
            f'<polyline points="{_points(progress_points)}" fill="none" '
            f'stroke="{PROGRESS_COLOUR}" stroke-width="2"/>'
        )
    parts += [
        f'<circle cx="{cx}" cy="{cy}" r="3.5" fill="#fff" stroke="{TARGET_COLOUR}" '
        f'stroke-width="2"/>'
        for cx, cy in target_points
    ]
    parts += [
        f'<circle cx="{cx}" cy="{cy}" r="3.5" fill="{PROGRESS_COLOUR}"/>'
        for cx, cy in progress_points
    ]
    if baseline is not None:
        bx, by = x(baseline[0] + 0.5), y(baseline[1])
        parts.append(
            f'<rect x="{bx - 3.5}" y="{by - 3.5}" width="7" height="7" fill="{BASELINE_COLOUR}"/>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def _points(points: list[tuple[float, float]]) -> str:
    return " ".join(f"{px},{py}" for px, py in points)
