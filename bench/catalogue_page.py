"""Time the SDG catalogue page (all 169 targets) and a filtered search.

Run: .venv/bin/python bench/catalogue_page.py  (uses DATABASE_URL or SQLite in memory)
Prints the median and 95th percentile over repeated requests, and the query count.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msd_planner.settings.test")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

REPEAT = 30


def measure(client: Client, params: dict) -> None:
    timings = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        response = client.get("/catalogue/", params)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get("/catalogue/", params)
    timings.sort()
    print(
        f"/catalogue/ {params or '(everything)'}: median {statistics.median(timings):.1f} ms, "
        f"p95 {timings[int(len(timings) * 0.95) - 1]:.1f} ms, {len(queries)} queries"
    )


def main() -> None:
    setup_test_environment()
    from django.test.utils import get_runner

    from targets.services import catalogue_load

    runner = get_runner(django.conf.settings)(verbosity=0)
    old_config = runner.setup_databases()
    try:
        catalogue_load()
        client = Client()
        measure(client, {})
        measure(client, {"relevance": "migration"})
        measure(client, {"q": "migrant workers"})
    finally:
        runner.teardown_databases(old_config)


if __name__ == "__main__":
    main()
