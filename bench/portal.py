"""Time the public portal's page of a large plan's adopted version, cold and cached.

Run: .venv/bin/python bench/portal.py [--scale F] [--repeat N]    (from the repository's root)
     DATABASE_URL=postgres://postgres@127.0.0.1:5432/msd_planner .venv/bin/python bench/portal.py
     (DATABASE_URL picks PostgreSQL, SQLite otherwise. On PostgreSQL the bench builds its
     own database, <that database's name>_portal, and drops it at the end. --scale 0.1
     builds a tenth of the plan, for a quick run.)

Builds the large plan of bench/large_plan.py (40 prioritised targets, 300 interventions
with their indicators and progress, 1,000 commitments at --scale 1), freezes it as
version 1.0 (``version_freeze``, as submission does) and marks it adopted, then prints,
for an anonymous reader, the median and 95th-percentile times, the queries and the size
of the version's page and of its fragment to embed:

* cold: the cache emptied before every request (what the first reader of a version in a
  language pays: the parts of the snapshot the page shows read — its outline, the records
  it lists, the interventions' titles and the records of the page's interventions — and
  the summary drawn);
* cached: what every later reader pays;

then the summary's own template rendered alone (its context read beforehand: with the
cached page, what a cold page cannot go below), the second page of the interventions,
cold, and the list of adopted plans.

The page describes its interventions a page at a time (``portal.summary``: 20 of the
300) and names the others under their targets with a link to the page that describes
them. Two runs one after the other on a 2-core machine shared with other work (load
average 2.6, then 5.5), p50 / p95:

                          before: whole snapshot      after: its parts, paged
  version page, cold        455 / 637 ms   547 KB       78 / 114 ms   174 KB
  version page, cached       22 /  38 ms                13 /  18 ms
  fragment to embed, cold   467 / 693 ms   515 KB       69 / 266 ms   172 KB

A later run (load average 6): cold page 113 ms, its summary's template alone 27 ms,
cached page 22 ms; the second page cold 70 ms; 8 queries cold, 5 cached.
"""

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msd_planner.settings.test")

import django

django.setup()

from django.core.cache import caches  # noqa: E402
from django.db import connection  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from action_plans.models import PlanVersion  # noqa: E402
from bench.harness import REPEAT, analyze, arguments, p95, throwaway_database  # noqa: E402
from bench.large_plan import PlanSize, large_plan_build, version_freeze  # noqa: E402
from portal.summary import SUMMARY_TEMPLATE, summary_context  # noqa: E402

SIZE = PlanSize()


def _timed(client: Client, url: str, repeat: int, before: Callable[[], None]) -> str:
    timings, size = [], 0
    for _ in range(repeat):
        before()
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        size = len(response.content)
    before()
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return (
        f"p50 {statistics.median(timings):7.1f} ms  p95 {p95(timings):7.1f} ms  "
        f"{len(queries):2d} queries  {size / 1024:6.0f} KB"
    )


def _template_timed(version: PlanVersion, repeat: int) -> str:
    """The summary's own template rendered with its context read beforehand: what a
    cold page cannot go below (with the cached page's cost)."""
    url = reverse("portal_version", args=[version.plan_id, version.major, version.minor])
    context = summary_context(version, 1, url, embed=False)
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        render_to_string(SUMMARY_TEMPLATE, context)
        timings.append((time.perf_counter() - started) * 1000)
    return f"p50 {statistics.median(timings):7.1f} ms  p95 {p95(timings):7.1f} ms"


def main() -> None:
    options = arguments(
        __doc__, repeat={"type": int, "default": REPEAT, "help": "requests per figure"}
    )
    with throwaway_database("portal"):
        started = time.perf_counter()
        large = large_plan_build(size=SIZE.scaled(options.scale))
        print(f"built the plan in {time.perf_counter() - started:.0f} s: {large.summary()}")
        frozen = version_freeze(plan=large.plan)
        version = frozen.version
        version.status, version.adoption_reference = "adopted", "Cabinet decision 1/2026"
        version.adoption_date = timezone.localdate()
        version.save()
        analyze()
        records = sum(len(section["records"]) for section in frozen.content["sections"].values())
        print(f"froze and adopted 1.0: {records:,} records, on {connection.vendor}")

        client = Client()
        cache = caches["default"]
        args = [version.plan_id, version.major, version.minor]
        for label, url in (
            ("version page", reverse("portal_version", args=args)),
            ("fragment to embed", reverse("portal_version_embed", args=args)),
        ):
            client.get(url)  # the process's own caches (content types, templates)
            print(f"{label + ', cold':26} {_timed(client, url, options.repeat, cache.clear)}")
            client.get(url)
            print(f"{label + ', cached':26} {_timed(client, url, options.repeat, lambda: None)}")
        print(f"{'summary template alone':26} {_template_timed(version, options.repeat)}")
        url = f"{reverse('portal_version', args=args)}?page=2"
        print(f"{'version page 2, cold':26} {_timed(client, url, options.repeat, cache.clear)}")
        url = reverse("portal_plans")
        print(f"{'list of adopted plans':26} {_timed(client, url, options.repeat, cache.clear)}")


if __name__ == "__main__":
    main()
