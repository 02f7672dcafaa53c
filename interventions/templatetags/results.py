"""The results framework's chart, from an indicator as the intervention page prefetches
it (its target values and progress): no query of its own. Drawn by
``msd_planner.lib.charts.progress_chart``."""

from django import template

from interventions.models import ProgressStatus, ResultIndicator
from msd_planner.lib.charts import Chart, progress_chart

register = template.Library()


@register.simple_tag
def indicator_chart(indicator: ResultIndicator) -> Chart:
    """``{% indicator_chart indicator as chart %}``: ``chart.svg``, ``chart.label`` and
    ``chart.headers`` and ``chart.rows`` (its data table)."""
    baseline = None
    if indicator.baseline_value is not None and indicator.baseline_year:
        baseline = (indicator.baseline_year, indicator.baseline_value)
    return progress_chart(
        chart_id=f"indicator-{indicator.pk}-chart",
        title=indicator.label,
        unit=indicator.unit,
        targets=[(item.year, item.value) for item in indicator.target_values.all()],
        progress=[
            (item.measured_on, item.value)
            for item in indicator.progress.all()
            if item.status == ProgressStatus.APPROVED  # only approved values count
        ],
        baseline=baseline,
    )
