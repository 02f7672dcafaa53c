"""Time the funding pages and exports of a large plan, at one size or several.

Run: .venv/bin/python bench/funding.py [--scale F | --sizes 1,10] [--repeat N] [--explain]
     (from the repository's root)
     DATABASE_URL=postgres://msd_planner@127.0.0.1:5432/msd_planner \\
         .venv/bin/python bench/funding.py --sizes 1,10
     (DATABASE_URL picks PostgreSQL, SQLite otherwise. On PostgreSQL the bench builds
     its own database, <that database's name>_funding, once per size, and drops it at
     the end; the database named in DATABASE_URL is only connected to. --scale 0.1
     builds a tenth of the plan, for a quick run; --sizes 1,10 builds the plan at 1× and
     at 10× in turn and ends with a table of both.)

Builds the large plan of bench/large_plan.py: 80 organisations, 40 prioritised targets,
300 interventions with their partners, beneficiaries, indicators and progress, and their
funding: 12 sources in four currencies (GHS, the base currency; EUR, USD, GBP), six
participating local actors, and 1,000 commitments over 270 of the interventions (every
tenth has none: its whole cost is a gap) at every stage, a fifth of them with a part for
local actors, plus a mobilisation strategy with two partners for every third
intervention and 40 engagements with funding partners (10×: 3,000 interventions and
10,000 commitments). Each commitment's values are checked by
``funding.services.commitment_problems`` and its base-currency amounts computed by
``funding.services.base_amounts``; one in ten is saved by ``commitment_create`` itself
and read back (see bench/large_plan.py). The build ends with ANALYZE on PostgreSQL.

Then prints, for the plan's coordinator, the median and 95th-percentile times and the
query count of the funding overview, one intervention's funding page (the first
intervention, with its three or four commitments at every size), the funding table, the
resource mobilisation plan, and the CSV and XLSX exports (the whole response read, a
streamed one included), with each export's peak memory (tracemalloc, one request) and
its rows. A response slower than SLOW_SECONDS is timed once, not repeated. A page that
answers other than 200 is reported, not timed.

--explain runs EXPLAIN (ANALYZE, BUFFERS) on every query of the overview and of the
intervention's page (PostgreSQL): each query's execution time and shared buffers, and
the full plan of those slower than EXPLAIN_SHOWN_MS.
"""

import os
import statistics
import sys
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msd_planner.settings.test")

import django
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

django.setup()

from bench.harness import arguments, p95, throwaway_database  # noqa: E402
from bench.large_plan import PlanSize, large_plan_build  # noqa: E402

SIZE = PlanSize()
REPEAT = 20
SLOW_SECONDS = 30.0  # a response slower than this is timed once
EXPLAIN_SHOWN_MS = 5.0  # EXPLAIN prints the whole plan of the queries slower than this


@dataclass(frozen=True)
class Timing:
    label: str
    median_ms: float
    p95_ms: float
    queries: int
    runs: int
    peak_mb: float | None = None
    note: str = ""

    def line(self) -> str:
        peak = f"  peak {self.peak_mb:6.1f} MB" if self.peak_mb is not None else ""
        runs = "" if self.runs > 1 else "  (timed once: too slow to repeat)"
        return (
            f"{self.label:34} median {self.median_ms:8.1f} ms  p95 {self.p95_ms:8.1f} ms  "
            f"{self.queries:3d} queries{peak}{runs}{self.note}"
        )


def _get(client: Client, url: str) -> tuple[int, bytes]:
    """The status and the whole body (a streamed response read to its end)."""
    response = client.get(url)
    if response.streaming:
        return response.status_code, b"".join(response.streaming_content)
    return response.status_code, response.content


def time_response(
    client: Client, label: str, url: str, repeat: int, *, memory: bool = False
) -> Timing | None:
    """Median and p95 of ``url`` over ``repeat`` requests (once when slower than
    SLOW_SECONDS), its queries and, if asked, the peak memory of one request."""
    began = time.perf_counter()
    try:
        status, body = _get(client, url)
    except Exception as error:  # a page being written may still raise
        print(f"{label:34} raised {type(error).__name__}: {error}; not timed")
        return None
    first = time.perf_counter() - began
    if status != 200:
        print(f"{label:34} answered {status}; not timed")
        return None
    timings = [first * 1000]
    if first < SLOW_SECONDS:
        timings = []
        for _ in range(repeat):
            began = time.perf_counter()
            _get(client, url)
            timings.append((time.perf_counter() - began) * 1000)
    with CaptureQueriesContext(connection) as queries:
        _get(client, url)
    count = len(queries)  # now: the next request empties the log it reads
    peak, note = None, ""
    if memory:
        tracemalloc.start()
        _status, body = _get(client, url)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        note = f"  {_rows(url, body):,} rows, {len(body) / 1024:,.0f} KiB"
    timing = Timing(
        label,
        statistics.median(timings),
        p95(timings),
        count,
        len(timings),
        peak,
        note,
    )
    print(timing.line())
    return timing


def _rows(url: str, body: bytes) -> int:
    """The rows of an export, its header included."""
    if url.endswith(".csv"):
        return body.decode("utf-8-sig").count("\n")
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
    return sum(1 for _row in sheet.iter_rows())


def _urls(plan, intervention) -> dict[str, str]:
    return {
        "funding overview": reverse("funding_overview", args=[plan.pk]),
        "intervention's funding page": reverse(
            "intervention_funding", args=[plan.pk, intervention.pk]
        ),
        "funding table (first page)": reverse("funding_table", args=[plan.pk]),
        "mobilisation plan": reverse("mobilisation_plan", args=[plan.pk]),
    }


def time_pages(plan, coordinator, intervention, repeat: int) -> list[Timing]:
    client = Client()
    client.force_login(coordinator)
    timings = [
        time_response(client, label, url, repeat)
        for label, url in _urls(plan, intervention).items()
    ]
    for file_format in ("csv", "xlsx"):
        url = reverse("funding_export", kwargs={"pk": plan.pk, "file_format": file_format})
        timings.append(
            time_response(client, f"export ({file_format})", url, max(3, repeat // 4), memory=True)
        )
    return [timing for timing in timings if timing]


def explain_pages(plan, coordinator, intervention) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of every query of the overview and of the intervention's
    page, as the page ran it."""
    if connection.vendor != "postgresql":
        print("--explain: PostgreSQL only")
        return
    client = Client()
    client.force_login(coordinator)
    urls = _urls(plan, intervention)
    for label in ("funding overview", "intervention's funding page"):
        client.get(urls[label])
        with CaptureQueriesContext(connection) as queries:
            client.get(urls[label])
        print(f"\nEXPLAIN (ANALYZE, BUFFERS) of the {len(queries)} queries of the {label}:")
        total = 0.0
        for number, query in enumerate(queries.captured_queries, 1):
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                print(f"  {number:2d}. (not a SELECT) {sql[:90]}")
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plan_lines = [row[0] for row in cursor.fetchall()]
            executed = next(
                float(line.split(":")[1].split()[0])
                for line in plan_lines
                if line.startswith("Execution Time")
            )
            buffers = next((line.strip() for line in plan_lines if "Buffers:" in line), "")
            total += executed
            print(f"  {number:2d}. {executed:8.2f} ms  {buffers[:60]:60}  {sql[:70]}")
            if executed > EXPLAIN_SHOWN_MS:
                print("      " + sql)
                print("\n".join("      | " + line for line in plan_lines))
        print(f"  executed in {total:.1f} ms in all")


def print_figures(plan) -> None:
    from funding.selectors import plan_figures

    figures = plan_figures(plan)
    print(
        f"plan figures (GHS): cost {figures.cost:,.2f}, committed {figures.committed:,.2f}, "
        f"disbursed {figures.disbursed:,.2f}, gap {figures.gap:,.2f}, "
        f"over-funded {figures.over_funded:,.2f}, local share of committed "
        f"{figures.local_share_of_committed:.1%}"
    )


def print_table(results: dict[float, list[Timing]]) -> None:
    """Each page's median, p95 and queries at every size, and the ratio of the largest
    size's median to the smallest's."""
    sizes = sorted(results)
    if len(sizes) < 2:
        return
    print(
        "\n"
        + " | ".join(["page", *(f"{size:g}× p50 / p95 / queries" for size in sizes)])
        + f" | {sizes[-1]:g}× ÷ {sizes[0]:g}×"
    )
    labels = [timing.label for timing in results[sizes[0]]]
    for label in labels:
        rows = [next((t for t in results[size] if t.label == label), None) for size in sizes]
        cells = [
            f"{row.median_ms:.0f} / {row.p95_ms:.0f} ms / {row.queries}" if row else "—"
            for row in rows
        ]
        ratio = (
            f"{rows[-1].median_ms / rows[0].median_ms:.1f}"
            if rows[0] and rows[-1] and rows[0].median_ms
            else "—"
        )
        print(" | ".join([label, *cells, ratio]))


def main() -> None:
    options = arguments(
        __doc__,
        sizes={"help": "sizes to build in turn, e.g. 1,10 (instead of --scale)"},
        repeat={"type": int, "default": REPEAT, "help": "requests timed per page"},
        explain={"action": "store_true", "help": "EXPLAIN (ANALYZE, BUFFERS) every query"},
    )
    sizes = [float(size) for size in options.sizes.split(",")] if options.sizes else [options.scale]
    results: dict[float, list[Timing]] = {}
    for factor in sizes:
        print(f"\n--- size {factor:g}× ---")
        with throwaway_database("funding"):
            started = time.perf_counter()
            large = large_plan_build(size=SIZE.scaled(factor))
            analysed = " (then ANALYZE)" if connection.vendor == "postgresql" else ""
            print(
                f"built a plan with {large.summary()} in {time.perf_counter() - started:.0f} s "
                f"on {connection.vendor}{analysed}"
            )
            print_figures(large.plan)
            intervention = large.interventions[0]
            results[factor] = time_pages(
                large.plan, large.coordinator, intervention, options.repeat
            )
            if options.explain:
                explain_pages(large.plan, large.coordinator, intervention)
    print_table(results)


if __name__ == "__main__":
    main()
