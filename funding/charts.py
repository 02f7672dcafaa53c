"""Charts of the plan's funding: SVG markup built on the server from the figures (no
script, nothing fetched, no inline style — only presentation attributes, so the Content
Security Policy holds and WeasyPrint draws the same markup in the PDF), each with the same
figures as the rows of a data table (``templates/funding/includes/chart.html``).

* ``target_funding_chart`` — per prioritised target, the cost beside what is pledged,
  committed and disbursed, and the gap (the part of the cost not yet committed);
* ``funding_mix_chart`` — per kind of source, what is committed (with its share of all
  committed funds) and pledged; the innovative kinds (remittances, diaspora) marked;
* ``localisation_chart`` — of committed and of disbursed funds, the part that reaches
  local actors.

A series is told apart by its place and its name in words as well as by its colour and
pattern (the gap hatched, pledged striped, committed and disbursed solid), so nothing is
said by colour alone. Every text is escaped: the SVG is well-formed XML. A chart's
``label`` is its accessible name (the SVG's ``<title>``) and the data table's caption.

Text cannot be measured on the server: its room is estimated from the number of
characters (``_text_width``, generous for a sans-serif font), and long titles are cut.
"""

import textwrap
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from funding.selectors import Figures, KindRow, Row
from msd_planner.lib.formatting import percent
from msd_planner.lib.money import format_money, share

WIDTH = 460  # the viewBox's width
# Drawn at 1.3 times the viewBox (600 px wide, its text about the size of the page's), and
# shrunk to narrower screens by Bootstrap's img-fluid.
SCALE = 1.3
FONT_SIZE, SMALL = 12, 11
LINE = 16  # the height of a line of text, and of a line of the legend

INK, MUTED, AXIS = "#212529", "#495057", "#adb5bd"
COST_STROKE = "#343a40"
GAP_COLOUR = "#b02a37"
PLEDGED_LIGHT, COMMITTED_COLOUR, DISBURSED_COLOUR = "#cfe2ff", "#0b5ed7", "#052c65"
INNOVATIVE_COLOUR, INNOVATIVE_LIGHT = "#6f42c1", "#e0cffc"
LOCAL_COLOUR, OTHER_FILL, OUTLINE = "#198754", "#e9ecef", "#6c757d"


@dataclass(frozen=True)
class Chart:
    svg: SafeString
    label: str  # the accessible name and the table's caption: what it shows, in words
    headers: list[str]  # the data table's column headers
    rows: list[list[str]]  # its rows, formatted; the first cell of each names the row


# --- drawing ------------------------------------------------------------------------------


def _n(value: float) -> str:
    """A coordinate, to a tenth."""
    return f"{value:.1f}".removesuffix(".0")


def _text_width(text: str, size: float = FONT_SIZE, bold: bool = False) -> float:
    return len(text) * size * (0.62 if bold else 0.58)


def _clip(text: str, room: float, size: float = FONT_SIZE, bold: bool = False) -> str:
    """``text`` cut with an ellipsis to fit ``room``."""
    if _text_width(text, size, bold) <= room:
        return text
    keep = max(int(room / (size * (0.62 if bold else 0.58))) - 1, 1)
    return text[:keep].rstrip() + "…"


def _attributes(attributes: dict) -> str:
    """Keyword arguments as SVG attributes: ``font_size=11`` → ``font-size="11"``,
    ``class_="cost"`` → ``class="cost"``."""
    return "".join(
        f' {name.rstrip("_").replace("_", "-")}="{escape(value)}"'
        for name, value in attributes.items()
    )


def _text(x: float, y: float, text: str, **attributes) -> str:
    return f'<text x="{_n(x)}" y="{_n(y)}"{_attributes(attributes)}>{escape(text)}</text>'


def _rect(x: float, y: float, width: float, height: float, fill: str, **attributes) -> str:
    return (
        f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(width)}" height="{_n(height)}" '
        f'fill="{escape(fill)}"{_attributes(attributes)}/>'
    )


def _stripes(pattern_id: str, background: str, colour: str, *, angle: int, line: float) -> str:
    return (
        f'<pattern id="{escape(pattern_id)}" patternUnits="userSpaceOnUse" width="6" '
        f'height="6" patternTransform="rotate({angle})">'
        f'<rect width="6" height="6" fill="{background}"/>'
        f'<line x1="1" y1="0" x2="1" y2="6" stroke="{colour}" stroke-width="{line}"/>'
        "</pattern>"
    )


class _Looks:
    """The fills of one chart's series; the patterns' ids carry the chart's id so that
    two charts on one page keep apart."""

    def __init__(self, chart_id: str) -> None:
        self.chart_id = chart_id

    def url(self, name: str) -> str:
        return f"url(#{self.chart_id}-{name})"

    def defs(self) -> str:
        return (
            "<defs>"
            + _stripes(f"{self.chart_id}-gap", "#fff", GAP_COLOUR, angle=45, line=2)
            + _stripes(
                f"{self.chart_id}-pledged", PLEDGED_LIGHT, COMMITTED_COLOUR, angle=-45, line=1.5
            )
            + _stripes(
                f"{self.chart_id}-innovative",
                INNOVATIVE_COLOUR,
                INNOVATIVE_LIGHT,
                angle=45,
                line=1.5,
            )
            + "</defs>"
        )

    def cost(self, x, y, width, height) -> str:
        return _rect(x, y, width, height, "#fff", stroke=COST_STROKE, class_="cost")

    def gap(self, x, y, width, height) -> str:
        return _rect(x, y, width, height, self.url("gap"), stroke=COST_STROKE, class_="gap")

    def pledged(self, x, y, width, height) -> str:
        return _rect(
            x, y, width, height, self.url("pledged"), stroke=COMMITTED_COLOUR, class_="pledged"
        )

    def committed(self, x, y, width, height) -> str:
        return _rect(x, y, width, height, COMMITTED_COLOUR, class_="committed")

    def disbursed(self, x, y, width, height) -> str:
        return _rect(x, y, width, height, DISBURSED_COLOUR, class_="disbursed")

    def innovative(self, x, y, width, height) -> str:
        return _rect(
            x,
            y,
            width,
            height,
            self.url("innovative"),
            stroke=INNOVATIVE_COLOUR,
            class_="innovative",
        )

    def local(self, x, y, width, height) -> str:
        return _rect(x, y, width, height, LOCAL_COLOUR, class_="local")

    def other(self, x, y, width, height) -> str:
        return _rect(x, y, width, height, OTHER_FILL, stroke=OUTLINE, class_="other")


def _diamond(cx: float, cy: float, radius: float = 5) -> str:
    """The mark of an innovative source, beside the word."""
    points = f"{_n(cx)},{_n(cy - radius)} {_n(cx + radius)},{_n(cy)} {_n(cx)},{_n(cy + radius)} "
    points += f"{_n(cx - radius)},{_n(cy)}"
    return f'<polygon points="{points}" fill="{INNOVATIVE_COLOUR}"/>'


def _legend(items, y: float) -> tuple[list[str], float]:
    """The legend, its items flowing onto as many lines as they need: each a swatch (a
    function drawing a box at x, y, width, height) and its name. Returns the markup and
    the y below it."""
    parts, x = ['<g class="legend">'], 0.0
    for swatch, name in items:
        width = 20 + _text_width(name, SMALL) + 14
        if x and x + width > WIDTH:
            x, y = 0.0, y + LINE
        parts.append(swatch(x + 0.5, y - 9, 14, 10))
        parts.append(_text(x + 19, y, name, font_size=SMALL))
        x += width
    parts.append("</g>")
    return parts, y + LINE


def _svg(chart_id: str, label: str, height: float, parts: list[str], defs: str = "") -> SafeString:
    title_id = f"{chart_id}-title"
    return mark_safe(  # noqa: S308 - every text and attribute is escaped where it is written
        f'<svg xmlns="http://www.w3.org/2000/svg" class="funding-chart img-fluid" role="img" '
        f'aria-labelledby="{escape(title_id)}" viewBox="0 0 {WIDTH} {_n(height)}" '
        f'width="{_n(WIDTH * SCALE)}" height="{_n(height * SCALE)}" font-size="{FONT_SIZE}" '
        f'font-family="inherit" fill="{INK}">'
        f'<title id="{escape(title_id)}">{escape(label)}</title>'
        f"{defs}{''.join(parts)}</svg>"
    )


def _nothing_to_show(chart_id: str, label: str, message: str) -> SafeString:
    lines = textwrap.wrap(message, int(WIDTH / (FONT_SIZE * 0.58)))
    parts = [_text(0, LINE * (number + 1) - 4, line) for number, line in enumerate(lines)]
    return _svg(chart_id, label, LINE * len(lines) + 4, parts)


def _money(amount: Decimal | None, currency: str) -> str:
    return format_money(amount, currency) if amount is not None else _("No estimate")


# --- per prioritised target ------------------------------------------------------------------


def target_funding_chart(
    rows: list[Row], currency: str, *, chart_id: str = "target-funding"
) -> Chart:
    """Per prioritised target (``funding.selectors.figures_by_target``), a group of four
    bars — cost, pledged, committed, disbursed — on one scale, the gap hatched at the end
    of the cost bar and written beside the target."""
    headers = [_("Target"), _("Cost"), _("Pledged"), _("Committed"), _("Disbursed"), _("Gap")]
    if not rows:
        label = _(
            "Funding per prioritised target: nothing to show yet, as no intervention "
            "addresses a prioritised target."
        )
        return Chart(_nothing_to_show(chart_id, label, label), label, headers, [])
    table = [
        [
            f"{row.subject.target.code} {row.subject.target.title}",
            _money(row.figures.cost, currency),
            format_money(row.figures.pledged, currency),
            format_money(row.figures.committed, currency),
            format_money(row.figures.disbursed, currency),
            _money(row.figures.gap, currency),
        ]
        for row in rows
    ]
    label = _target_label(rows, currency)
    return Chart(_target_svg(chart_id, label, rows, currency), label, headers, table)


def _target_label(rows: list[Row], currency: str) -> str:
    parts = [
        _(
            "Cost and funding of each prioritised target, in %(currency)s: the cost, what is "
            "pledged, committed and disbursed, and the gap (the part of the cost not yet "
            "committed)."
        )
        % {"currency": currency}
    ]
    with_gap = [row.subject.target.code for row in rows if row.figures.gap]
    unknown = [row.subject.target.code for row in rows if row.figures.cost is None]
    if with_gap:
        parts.append(_("Targets with a gap: %(codes)s.") % {"codes": ", ".join(with_gap)})
    elif not unknown:
        parts.append(_("No target has a gap."))
    if unknown:
        parts.append(_("Without a cost estimate: %(codes)s.") % {"codes": ", ".join(unknown)})
    return " ".join(parts)


def _target_svg(chart_id: str, label: str, rows: list[Row], currency: str) -> SafeString:
    looks = _Looks(chart_id)
    series = [
        (_("Cost"), looks.cost),
        (_("Pledged"), looks.pledged),
        (_("Committed"), looks.committed),
        (_("Disbursed"), looks.disbursed),
    ]
    parts, y = _legend(
        [
            (looks.cost, _("Cost")),
            (looks.gap, _("Gap: cost not yet committed")),
            (looks.pledged, _("Pledged")),
            (looks.committed, _("Committed")),
            (looks.disbursed, _("Disbursed")),
        ],
        LINE - 4,
    )
    values = [
        [
            row.figures.cost,
            row.figures.pledged,
            row.figures.committed,
            row.figures.disbursed,
        ]
        for row in rows
    ]
    texts = [[_money(value, currency) for value in row_values] for row_values in values]
    left = max(_text_width(name, SMALL) for name, _look in series) + 10
    room = max(_text_width(text, SMALL) for row_texts in texts for text in row_texts) + 8
    plot = max(WIDTH - left - room, 120)
    top = max((value for row_values in values for value in row_values if value), default=0)

    def length(value: Decimal | None) -> float:
        return float(value / top) * plot if value and top else 0.0

    y += 4
    for row, row_values, row_texts in zip(rows, values, texts, strict=True):
        target, figures = row.subject.target, row.figures
        if figures.gap is None:
            status = _("Gap unknown: no cost estimate")
        elif figures.gap:
            status = _("Gap: %(amount)s") % {"amount": format_money(figures.gap, currency)}
        else:
            status = _("No gap")
        code_room = _text_width(target.code, FONT_SIZE, bold=True) + 6
        title = _clip(target.title, WIDTH - code_room - _text_width(status, FONT_SIZE, True) - 12)
        parts.append('<g class="target">')
        parts.append(
            f'<text x="0" y="{_n(y + 12)}"><tspan font-weight="bold">{escape(target.code)}'
            f"</tspan> {escape(title)}</text>"
        )
        parts.append(
            _text(
                WIDTH,
                y + 12,
                status,
                text_anchor="end",
                font_weight="bold",
                fill=GAP_COLOUR if figures.gap else INK,
            )
        )
        bars_top = y + 18
        for number, ((name, look), value, text) in enumerate(
            zip(series, row_values, row_texts, strict=True)
        ):
            bar_y = bars_top + number * LINE
            parts.append(_text(left - 6, bar_y + 10, name, font_size=SMALL, text_anchor="end"))
            width = length(value)
            if width:
                parts.append(look(left, bar_y, width, 12))
            if number == 0 and figures.gap and figures.cost:
                start = length(figures.cost - figures.gap)
                parts.append(looks.gap(left + start, bar_y, width - start, 12))
            parts.append(_text(left + width + 4, bar_y + 10, text, font_size=SMALL, fill=MUTED))
        bars_bottom = bars_top + len(series) * LINE - 4
        parts.append(
            f'<line x1="{_n(left)}" y1="{_n(bars_top - 2)}" x2="{_n(left)}" '
            f'y2="{_n(bars_bottom + 2)}" stroke="{AXIS}"/>'
        )
        parts.append("</g>")
        y = bars_bottom + 14
    return _svg(chart_id, label, y, parts, looks.defs())


# --- the funding mix ------------------------------------------------------------------------


def funding_mix_chart(
    rows: list[KindRow], currency: str, *, chart_id: str = "funding-mix"
) -> Chart:
    """Per kind of source (``funding.selectors.figures_by_kind``), a bar of what is
    committed, with its share of all committed funds, and a thin bar of what is pledged,
    on one scale; the innovative kinds marked in words and with their own fill."""
    headers = [
        _("Kind of source"),
        _("Innovative"),
        _("Pledged"),
        _("Committed"),
        _("Share of committed funds"),
    ]
    if not rows:
        label = _("Funding mix by kind of source: nothing to show yet, as no funds are recorded.")
        return Chart(_nothing_to_show(chart_id, label, label), label, headers, [])
    total = sum((row.figures.committed for row in rows), Decimal(0))
    shares = [share(row.figures.committed, total) for row in rows]
    table = [
        [
            row.label,
            _("Yes") if row.innovative else _("No"),
            format_money(row.figures.pledged, currency),
            format_money(row.figures.committed, currency),
            percent(row_share) if row_share is not None else "—",
        ]
        for row, row_share in zip(rows, shares, strict=True)
    ]
    label = _mix_label(rows, total, currency)
    return Chart(_mix_svg(chart_id, label, rows, shares, currency), label, headers, table)


def _mix_label(rows: list[KindRow], total: Decimal, currency: str) -> str:
    parts = [
        _(
            "Funding mix by kind of source, in %(currency)s: what each kind committed, with "
            "its share of all committed funds, and what it pledged."
        )
        % {"currency": currency}
    ]
    if not total:
        parts.append(_("Nothing is committed yet."))
    elif any(row.innovative for row in rows):
        innovative = sum((row.figures.committed for row in rows if row.innovative), Decimal(0))
        parts.append(
            _(
                "Innovative sources (remittances and diaspora contributions): %(share)s of "
                "committed funds."
            )
            % {"share": percent(innovative / total)}
        )
    else:
        parts.append(_("No innovative source (remittances, diaspora contributions) yet."))
    return " ".join(parts)


def _mix_svg(
    chart_id: str, label: str, rows: list[KindRow], shares: list, currency: str
) -> SafeString:
    looks = _Looks(chart_id)
    parts, y = _legend(
        [
            (looks.committed, _("Committed")),
            (looks.innovative, _("Committed, innovative source")),
            (lambda x, y, width, height: looks.pledged(x, y + 3, width, 5), _("Pledged")),
        ],
        LINE - 4,
    )
    parts += [
        _diamond(6, y - 4),
        _text(19, y, _("Innovative: remittances and diaspora contributions"), font_size=SMALL),
    ]
    y += LINE
    committed = [
        _("%(amount)s committed") % {"amount": format_money(row.figures.committed, currency)}
        for row in rows
    ]
    pledged = [
        _("%(amount)s pledged") % {"amount": format_money(row.figures.pledged, currency)}
        for row in rows
    ]
    left = 14
    room = max(_text_width(text, SMALL) for text in committed + pledged) + 8
    plot = max(WIDTH - left - room, 120)
    top = max(max(row.figures.pledged, row.figures.committed) for row in rows)

    def length(value: Decimal) -> float:
        return float(value / top) * plot if top else 0.0

    innovative_word = _("innovative")
    y += 2
    for row, row_share, committed_text, pledged_text in zip(
        rows, shares, committed, pledged, strict=True
    ):
        share_text = (
            _("%(share)s of committed") % {"share": percent(row_share)}
            if row_share is not None
            else ""
        )
        parts.append('<g class="kind">')
        room_for_name = WIDTH - left - _text_width(share_text, FONT_SIZE, bold=True) - 12
        if row.innovative:
            room_for_name -= _text_width(" · " + innovative_word, FONT_SIZE, bold=True)
            parts.append(_diamond(6, y + 8))
        name = escape(_clip(row.label, room_for_name))
        if row.innovative:
            name += (
                f' · <tspan font-weight="bold" fill="{INNOVATIVE_COLOUR}">'
                f"{escape(innovative_word)}</tspan>"
            )
        parts.append(f'<text x="{left}" y="{_n(y + 12)}">{name}</text>')
        parts.append(_text(WIDTH, y + 12, share_text, text_anchor="end", font_weight="bold"))
        bar_y = y + 18
        width = length(row.figures.committed)
        if width:
            look = looks.innovative if row.innovative else looks.committed
            parts.append(look(left, bar_y, width, 14))
        parts.append(_text(left + width + 4, bar_y + 11, committed_text, font_size=SMALL, fill=INK))
        pledged_y = bar_y + 18
        width = length(row.figures.pledged)
        if width:
            parts.append(looks.pledged(left, pledged_y, width, 6))
        parts.append(
            _text(left + width + 4, pledged_y + 7, pledged_text, font_size=SMALL - 1, fill=MUTED)
        )
        parts.append(
            f'<line x1="{left}" y1="{_n(bar_y - 2)}" x2="{left}" y2="{_n(pledged_y + 8)}" '
            f'stroke="{AXIS}"/>'
        )
        parts.append("</g>")
        y = pledged_y + 16
    return _svg(chart_id, label, y, parts, looks.defs())


# --- the localisation share -----------------------------------------------------------------


@dataclass(frozen=True)
class _Measure:
    """Of some funds (committed, disbursed), the part reaching local actors."""

    name: str
    local: Decimal
    whole: Decimal
    share: Decimal | None  # None when there are no such funds yet
    summary: str  # the sentence of the label
    nothing: str  # what to say when there are no such funds yet


def localisation_chart(figures: Figures, currency: str, *, chart_id: str = "localisation") -> Chart:
    """Of committed and of disbursed funds, the part that reaches local actors: two bars
    of 100 %, the local part filled, the share written (or that there are no such funds
    yet)."""
    amounts = {
        "local": format_money(figures.to_local_actors, currency),
        "whole": format_money(figures.committed, currency),
        "share": percent(figures.local_share_of_committed),
    }
    committed = _Measure(
        _("Committed funds"),
        figures.to_local_actors,
        figures.committed,
        figures.local_share_of_committed,
        _("Of committed funds, %(share)s reaches local actors (%(local)s of %(whole)s).") % amounts,
        _("Nothing committed yet"),
    )
    amounts = {
        "local": format_money(figures.disbursed_to_local_actors, currency),
        "whole": format_money(figures.disbursed, currency),
        "share": percent(figures.local_share_of_disbursed),
    }
    disbursed = _Measure(
        _("Disbursed funds"),
        figures.disbursed_to_local_actors,
        figures.disbursed,
        figures.local_share_of_disbursed,
        _("Of disbursed funds, %(share)s reaches local actors (%(local)s of %(whole)s).") % amounts,
        _("Nothing disbursed yet"),
    )
    measures = [committed, disbursed]
    label = " ".join(
        [
            _("Localisation: the share of the funds that reaches local actors."),
            *(
                measure.summary if measure.share is not None else f"{measure.nothing}."
                for measure in measures
            ),
        ]
    )
    headers = [_("Funds"), _("To local actors"), _("In all"), _("Share to local actors")]
    table = [
        [
            measure.name,
            format_money(measure.local, currency),
            format_money(measure.whole, currency),
            percent(measure.share) if measure.share is not None else measure.nothing,
        ]
        for measure in measures
    ]
    return Chart(_localisation_svg(chart_id, label, measures, currency), label, headers, table)


def _localisation_svg(
    chart_id: str, label: str, measures: list[_Measure], currency: str
) -> SafeString:
    looks = _Looks(chart_id)
    parts, y = _legend(
        [(looks.local, _("Reaches local actors")), (looks.other, _("Other recipients"))],
        LINE - 4,
    )
    y += 4
    plot = WIDTH - 1
    for measure in measures:
        parts.append('<g class="measure">')
        parts.append(_text(0, y + 12, measure.name, font_weight="bold"))
        bar_y = y + 18
        if measure.share is None:
            parts.append(
                _rect(0.5, bar_y, plot, 18, "#fff", stroke=OUTLINE, stroke_dasharray="4 3")
            )
            parts.append(
                _text(WIDTH / 2, bar_y + 13, measure.nothing, text_anchor="middle", fill=MUTED)
            )
            y = bar_y + 18 + 12
        else:
            parts.append(
                _text(
                    WIDTH,
                    y + 12,
                    _("%(share)s to local actors") % {"share": percent(measure.share)},
                    text_anchor="end",
                    font_weight="bold",
                )
            )
            parts.append(looks.other(0.5, bar_y, plot, 18))
            width = float(min(measure.share, Decimal(1))) * plot
            if width:
                parts.append(looks.local(0.5, bar_y, width, 18))
            amounts = {
                "local": format_money(measure.local, currency),
                "whole": format_money(measure.whole, currency),
            }
            parts.append(
                _text(
                    0,
                    bar_y + 18 + 14,
                    _("%(local)s of %(whole)s") % amounts,
                    font_size=SMALL,
                    fill=MUTED,
                )
            )
            y = bar_y + 18 + 24
        parts.append("</g>")
    return _svg(chart_id, label, y, parts, looks.defs())
