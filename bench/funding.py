"""Time the funding pages of a large plan.

Run: .venv/bin/python bench/funding.py [--scale F]     (from the repository's root)
     DATABASE_URL=postgres://msd_planner@127.0.0.1:5432/msd_planner \\
         .venv/bin/python bench/funding.py
     (DATABASE_URL picks PostgreSQL, SQLite otherwise. On PostgreSQL the bench builds
     its own database, <that database's name>_funding, and drops it at the end; the
     database named in DATABASE_URL is only connected to. --scale 0.1 builds a tenth of
     the plan, for a quick run.)

Builds the large plan of bench/large_plan.py: 80 organisations, 40 prioritised targets,
300 interventions with their partners, beneficiaries, indicators and progress, and their
funding: 12 sources in four currencies (GHS, the base currency; EUR, USD, GBP), six
participating local actors, and 1,000 commitments over 270 of the interventions (every
tenth has none: its whole cost is a gap) at every stage, a fifth of them with a part for
local actors, plus a mobilisation strategy with two partners for every third
intervention and 40 engagements with funding partners. Each commitment's values are
checked by ``funding.services.commitment_problems`` and its base-currency amounts
computed by ``funding.services.base_amounts``; one in ten is saved by
``commitment_create`` itself and read back (see bench/large_plan.py).

Then prints the plan's figures, and the median and 95th-percentile times and the query
count of `funding_overview`, `mobilisation_plan` and `funding_export` (xlsx), each opened
by the plan's coordinator. A page that answers other than 200 is reported, not timed.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msd_planner.settings.test")

import django
from django.db import connection
from django.test import Client
from django.urls import NoReverseMatch, reverse

django.setup()

from bench.harness import arguments, throwaway_database, time_url  # noqa: E402
from bench.large_plan import PlanSize, large_plan_build  # noqa: E402

SIZE = PlanSize()
PAGES = ("funding_overview", "mobilisation_plan", "funding_export")


def _url(name: str, plan) -> str:
    if name == "funding_export":
        return reverse(name, kwargs={"pk": plan.pk, "file_format": "xlsx"})
    return reverse(name, args=[plan.pk])


def time_pages(plan, coordinator) -> None:
    client = Client()
    client.force_login(coordinator)
    for name in PAGES:
        label = f"{name} (xlsx)" if name == "funding_export" else name
        try:
            url = _url(name, plan)
        except NoReverseMatch:
            print(f"{label:32} has no URL yet; not timed (page not built yet?)")
            continue
        time_url(client, label, url)


def print_figures(plan) -> None:
    from funding.selectors import plan_figures

    figures = plan_figures(plan)
    print(
        f"plan figures (GHS): cost {figures.cost:,.2f}, committed {figures.committed:,.2f}, "
        f"disbursed {figures.disbursed:,.2f}, gap {figures.gap:,.2f}, "
        f"over-funded {figures.over_funded:,.2f}, local share of committed "
        f"{figures.local_share_of_committed:.1%}"
    )


def main() -> None:
    size = SIZE.scaled(arguments(__doc__).scale)
    with throwaway_database("funding"):
        started = time.perf_counter()
        large = large_plan_build(size=size)
        print(
            f"built a plan with {large.summary()} in {time.perf_counter() - started:.0f} s "
            f"on {connection.vendor}"
        )
        print_figures(large.plan)
        time_pages(large.plan, large.coordinator)


if __name__ == "__main__":
    main()
