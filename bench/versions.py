"""Time the pages of a large plan's life: its versions, their comparison, validation.

Run: .venv/bin/python bench/versions.py [--scale F]    (from the repository's root)
     DATABASE_URL=postgres://msd_planner@127.0.0.1:5432/msd_planner \\
         .venv/bin/python bench/versions.py
     (DATABASE_URL picks PostgreSQL, SQLite otherwise. On PostgreSQL the bench builds
     its own database, <that database's name>_versions, and drops it at the end.
     --scale 0.1 builds a tenth of the plan, for a quick run.)

Builds the large plan of bench/large_plan.py (40 prioritised targets, 300 interventions
with their indicators and progress, 1,000 commitments), freezes it as version 1.0 (its
snapshot built by ``build_snapshot``, as submission does), then prints median and
95th-percentile times and the query count, for the plan's coordinator, of:

* the version's page: its first section (governance), the interventions' first page
  and their last page (the records of one page named in the reader's language);
* the comparison of 1.0 with the current draft (a snapshot built on the fly, both named
  and compared record by record), in English and in French;
* the validation page (readiness over the whole plan, versions, sign-offs);
* the plan's overview (the dashboard).
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
from django.urls import reverse

django.setup()

from action_plans.validation_views import RECORDS_PER_PAGE  # noqa: E402
from bench.harness import arguments, throwaway_database, time_url  # noqa: E402
from bench.large_plan import PlanSize, large_plan_build, version_freeze  # noqa: E402

SIZE = PlanSize()


def records_in(content: dict, section: str) -> int:
    return len(content["sections"][section]["records"])


def time_pages(plan, coordinator, version, content: dict) -> None:
    client = Client()
    client.force_login(coordinator)
    compare = reverse("version_compare", args=[plan.pk]) + f"?from={version.pk}&to=draft"
    page = reverse("version_detail", args=[plan.pk, version.pk])
    last = (records_in(content, "interventions") - 1) // RECORDS_PER_PAGE + 1
    time_url(client, "version page", page)
    time_url(client, "version page, interventions", f"{page}?section=interventions")
    time_url(client, f"  … their page {last}", f"{page}?section=interventions&page={last}")
    time_url(client, "compare 1.0 with the draft", compare)
    time_url(client, "validation page", reverse("plan_validation", args=[plan.pk]))
    time_url(client, "plan overview", reverse("plan_detail", args=[plan.pk]))
    client.cookies[django.conf.settings.LANGUAGE_COOKIE_NAME] = "fr"
    time_url(client, "version page, interventions (French)", f"{page}?section=interventions")
    time_url(client, "compare 1.0 with the draft (French)", compare)


def main() -> None:
    size = SIZE.scaled(arguments(__doc__).scale)
    with throwaway_database("versions"):
        started = time.perf_counter()
        large = large_plan_build(size=size)
        print(
            f"built a plan with {large.summary()} in {time.perf_counter() - started:.0f} s "
            f"on {connection.vendor}"
        )
        frozen = version_freeze(plan=large.plan)
        records = sum(len(section["records"]) for section in frozen.content["sections"].values())
        print(
            f"froze version 1.0: {records} records, snapshot built in "
            f"{frozen.build_seconds * 1000:.0f} ms"
        )
        time_pages(large.plan, large.coordinator, frozen.version, frozen.content)


if __name__ == "__main__":
    main()
