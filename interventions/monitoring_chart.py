"""The monitoring page's chart: how many indicators of each prioritised target are on
track, at risk, off track or without data, drawn by ``msd_planner.lib.charts`` with its
figures as a table."""

from decimal import Decimal

from django.utils.translation import gettext as _

from interventions.monitoring import Status
from interventions.monitoring_figures import STATUS_ORDER, Counts, Rollup
from msd_planner.lib import charts
from msd_planner.lib.charts import Bar, BarGroup, Chart, Run, Series
from msd_planner.lib.formatting import number

LOOKS = {
    Status.ON_TRACK: charts.SOLID_GREEN,
    Status.AT_RISK: charts.STRIPED_BLUE,
    Status.OFF_TRACK: charts.HATCHED_RED,
    Status.NO_DATA: charts.PALE_GREY,
}


def _series() -> dict[Status, Series]:
    return {status: Series(status.value, status.label, LOOKS[status]) for status in STATUS_ORDER}


def _description(totals: Counts) -> str:
    return _(
        "Indicators: %(total)s in all, %(on_track)s on track, %(at_risk)s at risk, "
        "%(off_track)s off track, %(no_data)s without data."
    ) % {
        "total": number(totals.total),
        **{status.value: number(count) for status, count in totals.by_status.items()},
    }


def status_chart(rows: list[Rollup], totals: Counts, *, chart_id: str) -> Chart:
    """The statuses of the indicators of each prioritised target, one group of bars per
    target, on one scale."""
    headers = [_("Target"), *(status.label for status in STATUS_ORDER)]
    counted = [row for row in rows if row.counts.total]
    if not counted:
        title = _(
            "Indicators by status, per prioritised target: nothing to show yet, as no "
            "indicator measures an intervention addressing a prioritised target."
        )
        return charts.nothing_to_show(chart_id=chart_id, title=title, headers=headers)
    series = _series()
    groups = [
        BarGroup(
            heading=[Run(row.code, bold=True), Run(" "), Run(row.name, clip=True)],
            note=_("%(count)s off track")
            % {"count": number(row.counts.by_status[Status.OFF_TRACK])}
            if row.counts.by_status[Status.OFF_TRACK]
            else "",
            alert=bool(row.counts.by_status[Status.OFF_TRACK]),
            bars=[
                Bar(series[status], Decimal(count), number(count))
                for status, count in row.counts.by_status.items()
            ],
        )
        for row in counted
    ]
    return charts.bar_groups_chart(
        chart_id=chart_id,
        title=_("Indicators by status, per prioritised target."),
        description=_description(totals),
        headers=headers,
        rows=[[f"{row.code} {row.name}", *map(number, row.counts.cells)] for row in counted],
        keys=list(series.values()),
        groups=groups,
        group_class="target",
        bar_names=True,
    )
