"""The plan's funding as charts (drawn by ``msd_planner.lib.charts``), each with the same
figures as the rows of its data table (``templates/funding/includes/chart.html``):

* ``target_funding_chart`` — per prioritised target, the cost beside what is pledged,
  committed and disbursed, and the gap (the part of the cost not yet committed);
* ``funding_mix_chart`` — per kind of source, what is committed (with its share of all
  committed funds) and pledged; the innovative kinds (remittances, diaspora) marked;
* ``localisation_chart`` — of committed and of disbursed funds, the part that reaches
  local actors.

The gap is hatched, pledged striped, committed and disbursed solid, each named in words.
"""

from decimal import Decimal

from django.utils.translation import gettext as _

from funding.selectors import Figures, KindRow, LocalTargets, Row
from msd_planner.lib import charts
from msd_planner.lib.charts import Bar, BarGroup, Chart, PartBar, Run, Series, Tail
from msd_planner.lib.formatting import percent
from msd_planner.lib.money import format_money, share


def _money(amount: Decimal | None, currency: str) -> str:
    return format_money(amount, currency) if amount is not None else _("No estimate")


def _series() -> dict[str, Series]:
    """The funding stages as series, named in the active language."""
    return {
        "cost": Series("cost", _("Cost"), charts.OUTLINED),
        "gap": Series("gap", _("Gap: cost not yet committed"), charts.HATCHED_RED),
        "pledged": Series("pledged", _("Pledged"), charts.STRIPED_BLUE),
        "committed": Series("committed", _("Committed"), charts.SOLID_BLUE),
        "disbursed": Series("disbursed", _("Disbursed"), charts.SOLID_NAVY),
    }


# --- per prioritised target ------------------------------------------------------------------


STAGES = ("pledged", "committed", "disbursed")


def target_funding_chart(
    rows: list[Row],
    currency: str,
    *,
    chart_id: str = "target-funding",
    of: list[Row] | None = None,
    first: int = 1,
) -> Chart:
    """Per prioritised target (``funding.selectors.figures_by_target``), a group of four
    bars — cost, pledged, committed, disbursed — on one scale, the gap hatched at the end
    of the cost bar and written beside the target. Given ``of`` (every target, when
    ``rows`` are a part of them from the ``first``: ``target_funding_charts``), the chart
    says which part it shows, on the scale of them all."""
    headers = [_("Target"), _("Cost"), _("Pledged"), _("Committed"), _("Disbursed"), _("Gap")]
    if not rows:
        title = _(
            "Funding per prioritised target: nothing to show yet, as no intervention "
            "addresses a prioritised target."
        )
        return charts.nothing_to_show(chart_id=chart_id, title=title, headers=headers)
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
    series = _series()
    title = _(
        "Cost and funding of each prioritised target, in %(currency)s: the cost, what is "
        "pledged, committed and disbursed, and the gap (the part of the cost not yet "
        "committed)."
    ) % {"currency": currency}
    if of:
        title += " " + _("Targets %(first)s to %(last)s of %(total)s, on one scale.") % {
            "first": first,
            "last": first + len(rows) - 1,
            "total": len(of),
        }
    return charts.bar_groups_chart(
        chart_id=chart_id,
        title=title,
        description=_target_description(rows),
        headers=headers,
        rows=table,
        keys=list(series.values()),
        groups=[_target_group(row, series, currency) for row in rows],
        group_class="target",
        bar_names=True,
        measured=[_target_group(row, series, currency) for row in of or ()],
    )


def target_funding_charts(
    rows: list[Row], currency: str, *, chart_id: str, per_chart: int
) -> list[Chart]:
    """``target_funding_chart`` cut into charts of ``per_chart`` targets at most, all on
    one scale: a page of a document holds each, as a chart is never cut across pages."""
    if len(rows) <= per_chart:
        return [target_funding_chart(rows, currency, chart_id=chart_id)]
    return [
        target_funding_chart(
            rows[start : start + per_chart],
            currency,
            chart_id=f"{chart_id}-{start // per_chart + 1}",
            of=rows,
            first=start + 1,
        )
        for start in range(0, len(rows), per_chart)
    ]


def _target_description(rows: list[Row]) -> str:
    parts = []
    with_gap = [row.subject.target.code for row in rows if row.figures.gap]
    unknown = [row.subject.target.code for row in rows if row.figures.cost is None]
    if with_gap:
        parts.append(_("Targets with a gap: %(codes)s.") % {"codes": ", ".join(with_gap)})
    elif not unknown:
        parts.append(_("No target has a gap."))
    if unknown:
        parts.append(_("Without a cost estimate: %(codes)s.") % {"codes": ", ".join(unknown)})
    return " ".join(parts)


def _target_group(row: Row, series: dict[str, Series], currency: str) -> BarGroup:
    target, figures = row.subject.target, row.figures
    if figures.gap is None:
        note = _("Gap unknown: no cost estimate")
    elif figures.gap:
        note = _("Gap: %(amount)s") % {"amount": format_money(figures.gap, currency)}
    else:
        note = _("No gap")
    return BarGroup(
        heading=[Run(target.code, bold=True), Run(" "), Run(target.title, clip=True)],
        note=note,
        alert=bool(figures.gap),
        bars=[
            Bar(
                series["cost"],
                figures.cost,
                _money(figures.cost, currency),
                tail=Tail(series["gap"], figures.gap),
            ),
            *(
                Bar(
                    series[stage],
                    getattr(figures, stage),
                    _money(getattr(figures, stage), currency),
                )
                for stage in STAGES
            ),
        ],
    )


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
        title = _("Funding mix by kind of source: nothing to show yet, as no funds are recorded.")
        return charts.nothing_to_show(chart_id=chart_id, title=title, headers=headers)
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
    committed = Series("committed", _("Committed"), charts.SOLID_BLUE)
    innovative = Series("innovative", _("Committed, innovative source"), charts.STRIPED_PURPLE)
    pledged = Series("pledged", _("Pledged"), charts.STRIPED_BLUE, thin=True)
    groups = [
        _mix_group(row, row_share, innovative if row.innovative else committed, pledged, currency)
        for row, row_share in zip(rows, shares, strict=True)
    ]
    return charts.bar_groups_chart(
        chart_id=chart_id,
        title=_(
            "Funding mix by kind of source, in %(currency)s: what each kind committed, with "
            "its share of all committed funds, and what it pledged."
        )
        % {"currency": currency},
        description=_mix_description(rows, total),
        headers=headers,
        rows=table,
        keys=[committed, innovative, pledged],
        groups=groups,
        group_class="kind",
        bar_height=14,
        group_gap=10,  # its last bar is thin
        marker=_("Innovative: remittances and diaspora contributions"),
    )


def _mix_description(rows: list[KindRow], total: Decimal) -> str:
    if not total:
        return _("Nothing is committed yet.")
    if any(row.innovative for row in rows):
        innovative = sum((row.figures.committed for row in rows if row.innovative), Decimal(0))
        return _(
            "Innovative sources (remittances and diaspora contributions): %(share)s of "
            "committed funds."
        ) % {"share": percent(innovative / total)}
    return _("No innovative source (remittances, diaspora contributions) yet.")


def _mix_group(
    row: KindRow, row_share: Decimal | None, committed: Series, pledged: Series, currency: str
) -> BarGroup:
    heading = [Run(row.label, clip=True)]
    if row.innovative:
        heading += [Run(" · "), Run(_("innovative"), bold=True, fill=charts.PURPLE)]
    committed_text = _("%(amount)s committed") % {
        "amount": format_money(row.figures.committed, currency)
    }
    pledged_text = _("%(amount)s pledged") % {"amount": format_money(row.figures.pledged, currency)}
    return BarGroup(
        heading=heading,
        note=(
            _("%(share)s of committed") % {"share": percent(row_share)}
            if row_share is not None
            else ""
        ),
        marked=row.innovative,
        bars=[
            Bar(committed, row.figures.committed, committed_text, strong=True),
            Bar(pledged, row.figures.pledged, pledged_text),
        ],
    )


# --- the localisation share -----------------------------------------------------------------


def target_status(local_share: Decimal | None, target: Decimal | None) -> str:
    """A share held against its target, in words: "below target" or "target met" (empty
    without a target, or with nothing yet to divide)."""
    if target is None or local_share is None:
        return ""
    return _("target met") if local_share >= target else _("below target")


def against_target(local_share: Decimal | None, target: Decimal | None) -> str:
    """The target and where the share stands against it, in a sentence's words ("target
    25.0 %: below target"); empty without a target."""
    if target is None:
        return ""
    status = target_status(local_share, target) or _("nothing to measure yet")
    return _("target %(target)s: %(status)s") % {"target": percent(target), "status": status}


def _measure(
    *,
    name: str,
    local: Decimal,
    whole: Decimal,
    local_share: Decimal | None,
    target: Decimal | None,
    currency: str,
    summary: str,
    nothing: str,
) -> tuple[PartBar, str, list[str]]:
    """Of some funds (committed, disbursed), the part reaching local actors: its bar, its
    sentence of the description (``summary``, or ``nothing`` when there are no such funds
    yet, each followed by where it stands against ``target``) and its row of the table."""
    amounts = {
        "local": format_money(local, currency),
        "whole": format_money(whole, currency),
        "share": percent(local_share),
    }
    target_sentence = (
        _("Its target is %(target)s: %(status)s.")
        % {
            "target": percent(target),
            "status": target_status(local_share, target) or _("nothing to measure yet"),
        }
        if target is not None
        else ""
    )
    bar = PartBar(
        name=name,
        share=local_share,
        note=_("%(share)s to local actors") % {"share": percent(local_share)},
        caption=_("%(local)s of %(whole)s") % amounts,
        empty=nothing,
        target=target,
        target_note=target_sentence,
    )
    target_cells = [percent(target) or "—", target_status(local_share, target) or "—"]
    if local_share is None:
        sentence = f"{nothing}."
        row = [name, amounts["local"], amounts["whole"], nothing]
    else:
        sentence = summary % amounts
        row = [name, amounts["local"], amounts["whole"], amounts["share"]]
    if target_sentence:
        sentence = f"{sentence} {target_sentence}"
    return bar, sentence, row + target_cells


def localisation_chart(
    figures: Figures,
    currency: str,
    *,
    targets: LocalTargets | None = None,
    chart_id: str = "localisation",
) -> Chart:
    """Of committed and of disbursed funds, the part that reaches local actors: two bars
    of 100 %, the local part filled, the share written (or that there are no such funds
    yet); the plan's target share marked across each bar, and said in words."""
    targets = targets or LocalTargets()
    measures = [
        _measure(
            name=_("Committed funds"),
            local=figures.to_local_actors,
            whole=figures.committed,
            local_share=figures.local_share_of_committed,
            target=targets.of_committed,
            currency=currency,
            summary=_(
                "Of committed funds, %(share)s reaches local actors (%(local)s of %(whole)s)."
            ),
            nothing=_("Nothing committed yet"),
        ),
        _measure(
            name=_("Disbursed funds"),
            local=figures.disbursed_to_local_actors,
            whole=figures.disbursed,
            local_share=figures.local_share_of_disbursed,
            target=targets.of_disbursed,
            currency=currency,
            summary=_(
                "Of disbursed funds, %(share)s reaches local actors (%(local)s of %(whole)s)."
            ),
            nothing=_("Nothing disbursed yet"),
        ),
    ]
    with_target = targets.of_committed is not None or targets.of_disbursed is not None
    headers = [_("Funds"), _("To local actors"), _("In all"), _("Share to local actors")]
    if with_target:
        headers += [_("Target share"), _("Against the target")]
    return charts.part_bars_chart(
        chart_id=chart_id,
        title=_("Localisation: the share of the funds that reaches local actors."),
        description=" ".join(summary for _bar, summary, _row in measures),
        headers=headers,
        rows=[row if with_target else row[:4] for _bar, _summary, row in measures],
        part=Series("local", _("Reaches local actors"), charts.SOLID_GREEN),
        rest=Series("other", _("Other recipients"), charts.PALE_GREY),
        bars=[bar for bar, _summary, _row in measures],
        target_name=_("Target share"),
    )


def target_sentences(figures: Figures, targets: LocalTargets) -> list[str]:
    """Each share to local actors that has a target, against it in a sentence ("Of
    committed funds, 12.0 % reaches local actors; target 25.0 %: below target.")."""
    sentences = []
    for label, local_share, target in (
        (_("Of committed funds"), figures.local_share_of_committed, targets.of_committed),
        (_("Of disbursed funds"), figures.local_share_of_disbursed, targets.of_disbursed),
    ):
        if target is None:
            continue
        reached = (
            _("%(share)s reaches local actors") % {"share": percent(local_share)}
            if local_share is not None
            else _("no funds yet")
        )
        sentences.append(
            _("%(funds)s, %(reached)s; %(standing)s.")
            % {"funds": label, "reached": reached, "standing": against_target(local_share, target)}
        )
    return sentences
