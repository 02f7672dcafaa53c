"""Time the IATI 2.03 file of a large plan's adopted version, and say its size.

Run: .venv/bin/python bench/iati.py [--scale F] [--repeat N]    (from the repository's root)
     DATABASE_URL=postgres://msd_planner@127.0.0.1:5432/msd_planner \\
         .venv/bin/python bench/iati.py
     (On PostgreSQL the bench builds its own database, <that database's name>_iati, and
     drops it at the end. --scale 0.1 builds a tenth of the plan, for a quick run.)

Builds the large plan of bench/large_plan.py (300 interventions with their indicators and
progress, 1,000 commitments at --scale 1), freezes it as version 1.0 and adopts it, gives
its lead body an IATI identifier, then prints: the file made from the snapshot
(``iati_export``: median and 95th percentile, queries), its size plain and
gzip-compressed, the check against the schema and the codelists, and the public address
served cold (the file made) and kept (the "derived" cache on, local memory).
"""

import gzip
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msd_planner.settings.test")

import django
from django.conf import settings
from django.db import connection

django.setup()

from django.core.cache import caches  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.harness import arguments, p95, throwaway_database  # noqa: E402
from bench.large_plan import PlanSize, large_plan_build, version_freeze  # noqa: E402
from open_data import iati_check  # noqa: E402
from open_data.iati import iati_export  # noqa: E402

LOCAL_CACHE = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "iati"}


def timed(work, repeat: int) -> tuple[list[float], int, object]:
    """``work()`` run ``repeat`` times: the times (ms), the queries of the last run, its
    result."""
    times, result = [], None
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            result = work()
            times.append((time.perf_counter() - started) * 1000)
    return times, len(queries), result


def line(label: str, times: list[float], queries: int) -> None:
    print(
        f"  {label:<34} median {statistics.median(times):7.1f} ms   p95 {p95(times):7.1f} ms"
        f"   {queries} queries"
    )


def main() -> None:
    options = arguments(
        __doc__, repeat={"type": int, "default": 10, "help": "runs of each measure"}
    )
    size = PlanSize().scaled(options.scale)
    with (
        throwaway_database("iati"),
        override_settings(CACHES={**settings.CACHES, "derived": LOCAL_CACHE}),
    ):
        large = large_plan_build(size=size)
        print(f"built: {large.summary()} on {connection.vendor}")
        version = version_freeze(plan=large.plan).version
        version.status, version.adoption_reference = "adopted", "Decree 1"
        version.adoption_date = timezone.localdate()
        version.save()
        lead = large.organisations[0]
        lead.iati_identifier = "XM-DAC-12345"
        lead.save(update_fields=["iati_identifier"])

        times, queries, export = timed(lambda: iati_export(version), options.repeat)
        print(f"the IATI file of version 1.0 ({len(export.activities):,} activities):")
        line("made from the snapshot", times, queries)
        check_times, _queries, found = timed(lambda: iati_check.problems(export.xml), 3)
        line("checked (schema, codelists)", check_times, 0)
        print(f"  {'problems found':<34} {len(found)}")
        size_kb = len(export.xml) / 1024
        gzipped_kb = len(gzip.compress(export.xml)) / 1024
        print(f"  {'size':<34} {size_kb:,.0f} KB, {gzipped_kb:,.0f} KB gzip-compressed")

        client = Client()
        url = reverse(
            "open_version_iati",
            kwargs={"pk": large.plan.pk, "major": version.major, "minor": version.minor},
        )

        def cold():
            caches["derived"].clear()
            return client.get(url)

        times, queries, _response = timed(cold, options.repeat)
        line("public address, cold", times, queries)
        times, queries, _response = timed(lambda: client.get(url), options.repeat)
        line("public address, kept", times, queries)


if __name__ == "__main__":
    main()
