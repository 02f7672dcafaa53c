"""What the benches that time pages share: their own throw-away database, the timing of
a page, the ``--scale`` argument. Import after ``django.setup()``."""

import argparse
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connection, connections
from django.test import Client
from django.test.utils import (
    CaptureQueriesContext,
    get_runner,
    setup_test_environment,
    teardown_test_environment,
)

REPEAT = 20


def arguments(description: str, **more: dict) -> argparse.Namespace:
    """The bench's command line: ``--scale`` and the arguments in ``more`` (name →
    ``add_argument``'s keywords)."""
    parser = argparse.ArgumentParser(description=description.split("\n")[0])
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="build the plan at this fraction of its size (e.g. 0.1 for a quick run)",
    )
    for name, options in more.items():
        parser.add_argument(f"--{name}", **options)
    return parser.parse_args()


@contextmanager
def throwaway_database(name: str) -> Iterator[None]:
    """A test database of the bench's own, created and migrated now and dropped at the
    end: ``<configured database>_<name>`` on PostgreSQL (a test run or another bench on
    the same server keeps its own; the configured one is only connected to), in memory
    on SQLite."""
    setup_test_environment()
    if connection.vendor == "postgresql":
        connection.settings_dict["TEST"]["NAME"] = f"{connection.settings_dict['NAME']}_{name}"
    runner = get_runner(settings)(verbosity=0, interactive=False)
    old_config = runner.setup_databases()
    try:
        yield
    finally:
        connections.close_all()
        runner.teardown_databases(old_config)
        teardown_test_environment()


def p95(timings: list[float]) -> float:
    ordered = sorted(timings)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]


def time_url(client: Client, label: str, url: str, repeat: int = REPEAT) -> None:
    """Print the median and 95th-percentile times and the query count of ``url``; a page
    that raises or answers other than 200 is reported, not timed."""
    try:
        first = client.get(url)
    except Exception as error:  # a page being written may still raise
        print(f"{label:32} raised {type(error).__name__}: {error}; not timed")
        return
    if first.status_code != 200:
        print(f"{label:32} answered {first.status_code}; not timed (page not built yet?)")
        return
    timings = []
    for _ in range(repeat):
        began = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - began) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    print(
        f"{label:32} median {statistics.median(timings):6.1f} ms  "
        f"p95 {p95(timings):6.1f} ms  {len(queries):3d} queries"
    )
