"""Time the pages of a large plan: governance, access, targets, coherence matrix, history.

Run: .venv/bin/python bench/plan_pages.py [--scale F]
     (DATABASE_URL picks PostgreSQL, SQLite otherwise. On PostgreSQL the bench builds its
     own database, <that database's name>_plan_pages, and drops it at the end.
     --scale 0.1 builds a tenth of the plan, for a quick run.)

Builds the plan of bench/large_plan.py with 40 participating organisations (3 members
each, every signature required), every migration-relevant target of the catalogue (58)
prioritised and scored on the 5 default criteria, 40 frameworks each assessed against
every target, and no interventions or funding; then prints median and 95th-percentile
times and the query count of each page, and the history page's cost split between its
change log and its template.
"""

import os
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msd_planner.settings.test")

import django
from django.db import connection
from django.test import Client
from django.urls import reverse

django.setup()

from bench.harness import REPEAT, arguments, throwaway_database, time_url  # noqa: E402
from bench.large_plan import PlanSize, large_plan_build  # noqa: E402

SIZE = replace(
    PlanSize(),
    organisations=40,
    members_each=3,
    signatures_required=True,
    targets=58,
    scored=True,
    frameworks=40,
    interventions=0,
    sources=0,
    local_actors=0,
    commitments=0,
    engagements=0,
)
PAGES = [
    "plan_governance",
    "plan_access",
    "prioritised_target_list",
    "coherence_matrix",
    "plan_history",
]


def main() -> None:
    size = SIZE.scaled(arguments(__doc__).scale)
    with throwaway_database("plan_pages"):
        started = time.perf_counter()
        large = large_plan_build(size=size)
        print(
            f"built a plan with {large.summary()} in {time.perf_counter() - started:.0f} s "
            f"on {connection.vendor}"
        )
        client = Client()
        client.force_login(large.coordinator)
        for name in PAGES:
            time_url(client, name, reverse(name, args=[large.plan.pk]))
        history_against_its_template(large.plan, large.coordinator)


def _median_ms(action) -> float:
    timings = []
    for _ in range(REPEAT):
        began = time.perf_counter()
        action()
        timings.append((time.perf_counter() - began) * 1000)
    return statistics.median(timings)


def history_against_its_template(plan, coordinator) -> None:
    """The history page's cost split: building the change log, rendering the template
    with it, and the whole request; the ratio of the log to the template is the figure."""
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from action_plans.forms import HistoryPageForm
    from action_plans.history import history_areas, plan_change_authors, plan_change_log
    from action_plans.permissions import plan_for_user_or_404

    request = RequestFactory().get("/")
    request.user = coordinator
    access = plan_for_user_or_404(coordinator, plan.pk)
    log = plan_change_log(plan)
    form = HistoryPageForm(request.GET, areas=history_areas(), authors=plan_change_authors(plan))
    context = {
        **access.context,
        "form": form,
        "entries": log.entries,
        "older": log.older,
        "before": None,
        "older_query": "",
        "latest_query": "",
    }
    build = _median_ms(lambda: plan_change_log(plan))
    render = _median_ms(
        lambda: render_to_string("action_plans/plan_history.html", context, request=request)
    )
    print(
        f"plan_history: change log {build:.1f} ms, template alone {render:.1f} ms "
        f"({len(log.entries)} entries); log ÷ template = {build / render:.2f}"
    )


if __name__ == "__main__":
    main()
