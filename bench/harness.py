"""What the benches that time pages share: their own throw-away database, the timing of
a page, the ``--scale`` argument. Import after ``django.setup()``."""

import argparse
import math
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields, is_dataclass
from pathlib import Path

from django.conf import settings
from django.core.paginator import Page
from django.db import connection, connections, reset_queries
from django.db.models import QuerySet
from django.template import Context, RequestContext
from django.test import Client
from django.test.utils import (
    CaptureQueriesContext,
    ContextList,
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


# --- a page's figures: time, CPU, queries, size, and its template alone ---------------------


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile: the value that ``fraction`` of ``values`` do not exceed."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(len(ordered) * fraction) - 1)]


def analyze() -> None:
    """Planner statistics for what was just written (autovacuum is off here)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


@dataclass
class PageFigures:
    """One page's figures, measured in this process through the whole middleware stack;
    ``floor_ms`` is its own template rendered alone (None for a file without one)."""

    queries: int
    p50_ms: float
    p95_ms: float
    cpu_ms: float  # time.process_time: Python's own work, the database's not included
    kb: float
    gzip_kb: float  # as a browser that accepts gzip gets it
    slowest_query_ms: float = 0.0
    slowest_query: str = ""  # its SQL
    floor_ms: float | None = None
    floor_queries: int | None = None  # what the template still asks of the database

    @property
    def over_floor(self) -> float | None:
        return self.p50_ms / self.floor_ms if self.floor_ms else None


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def page_figures(client: Client, url: str, repeat: int = REPEAT) -> PageFigures:
    """Time ``url`` ``repeat`` times (wall and CPU), then count its queries (and find the
    slowest), weigh it plain and compressed, and time its floor. Raises
    ``AssertionError`` unless it answers 200."""
    first = client.get(url)
    assert first.status_code == 200, f"{url} answered {first.status_code}"
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        client.get(url)
        cpus.append((time.process_time() - cpu) * 1000)
        walls.append((time.perf_counter() - wall) * 1000)
    # A request empties the log of queries; what an earlier capture left would hide these.
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    # read now: the next request empties the log they are read from
    slowest = max(queries.captured_queries, key=lambda query: float(query["time"]), default=None)
    figures = PageFigures(
        queries=len(queries),
        p50_ms=statistics.median(walls),
        p95_ms=percentile(walls, 0.95),
        cpu_ms=statistics.median(cpus),
        kb=len(_body(response)) / 1024,
        gzip_kb=len(_body(client.get(url, HTTP_ACCEPT_ENCODING="gzip"))) / 1024,
        slowest_query_ms=float(slowest["time"]) * 1000 if slowest else 0.0,
        slowest_query=slowest["sql"] if slowest else "",
    )
    if response.templates:
        figures.floor_ms, figures.floor_queries = template_floor(response, repeat)
    return figures


def template_floor(response, repeat: int = REPEAT) -> tuple[float, int]:
    """The page's own template rendered again with the context the view gave it (as the
    test client captured it), its querysets evaluated first: the median milliseconds and
    the queries the template itself makes. What a page costs above this is its reads."""
    contexts = response.context
    contexts = contexts if isinstance(contexts, ContextList) else [contexts]
    # the page's own: the first rendered by itself (not extended or included) for the request
    template, captured = next(
        (template, context)
        for template, context in zip(response.templates, contexts, strict=True)
        if context.template is template and isinstance(context, RequestContext)
    )
    values = captured.flatten()
    for value in values.values():
        _evaluate(value)
    context = Context(values)
    context.request = response.wsgi_request  # as a RequestContext has it, for the tags
    timings = []
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        floor = template.render(context)
    count = len(queries)
    if len(floor.encode()) < 0.9 * len(response.content):
        raise AssertionError(f"{template.name} alone is not the page: {len(floor)} characters")
    for _ in range(repeat):
        began = time.perf_counter()
        template.render(context)
        timings.append((time.perf_counter() - began) * 1000)
    return statistics.median(timings), count


def _evaluate(value, depth: int = 0) -> None:
    """Run the queries a context value still holds: querysets (their rows cached in
    place), a page's records, and those inside lists, dicts and dataclasses."""
    if depth > 3:
        return
    if isinstance(value, QuerySet):
        len(value)
    elif isinstance(value, Page):
        _evaluate(value.object_list, depth + 1)
    elif isinstance(value, dict):
        for item in value.values():
            _evaluate(item, depth + 1)
    elif isinstance(value, list | tuple):
        for item in value:
            _evaluate(item, depth + 1)
    elif is_dataclass(value) and not isinstance(value, type):
        for item in fields(value):
            _evaluate(getattr(value, item.name), depth + 1)


# --- the app served as in production: gunicorn, its processes' CPU ------------------------


@contextmanager
def gunicorn_serving(
    environment: dict[str, str], workers: int, log_path: Path
) -> Iterator[tuple[str, subprocess.Popen]]:
    """gunicorn started from the project folder (so that it reads gunicorn.conf.py) with
    ``environment`` over this process's, on a free port of 127.0.0.1; yields its address
    once /healthz answers, and the server process; stopped at the end."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    root = Path(__file__).resolve().parent.parent
    with log_path.open("wb") as log:
        server = subprocess.Popen(  # noqa: S603 - the project's own gunicorn
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "msd_planner.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
            ],
            cwd=root,
            env={**os.environ, **environment},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_healthy(server, base, log_path)
            yield base, server
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _wait_until_healthy(server: subprocess.Popen, base: str, log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped:\n{log_path.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=5) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer in 60 s:\n{log_path.read_text()[-2000:]}")


def process_tree_cpu_seconds(pid: int) -> float:
    """CPU seconds (user and system) of process ``pid`` and its children, those that ended
    included, read from /proc (Linux): gunicorn's master and its workers."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # the fields after the command's name: state, ppid, … utime (11), stime,
            # cutime, cstime (the children it has waited for)
            after_name = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        if int(stat.parent.name) == pid:
            total += sum(int(value) for value in after_name[11:15])
        elif int(after_name[1]) == pid:
            total += int(after_name[11]) + int(after_name[12])
    return total / ticks
