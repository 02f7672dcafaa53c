"""Time a plan's PDF: the whole background job, the renderer and WeasyPrint alone, on
the same HTML.

Run: .venv/bin/python bench/pdf.py [--scale F]
     (DATABASE_URL picks PostgreSQL, SQLite otherwise; the bench builds its own test
     database, <that database's name>_pdf on PostgreSQL, and drops it at the end.
     --scale 0.1 builds a tenth of the large plan, for a quick run.)

For the demo's national plan (its adopted version) and for the large plan of
bench/large_plan.py (40 targets, 300 interventions, 1,000 commitments; a version frozen
from it), prints the pages, seconds (wall clock and CPU), pages per second, peak memory
(resident set size of a process that does only that) and the machine's load average
(1 minute, at the end of the run) of:

* the job: ``action_plans.documents.document_render`` — reading the snapshot, building
  the HTML, rendering, storing the file with its checksum;
* the renderer: ``action_plans.pdf.html_to_pdf`` on the job's HTML;
* WeasyPrint alone: ``HTML(string=…).write_pdf()`` on the very HTML the job renders,
  with the print stylesheet parsed for it (as the job's renderer applies it);

and the ratios of the job and of the renderer to WeasyPrint alone, measured in this run
(CPU seconds weigh less what else the machine does than the wall clock). Each
measurement runs in a fresh child process (fork), so that one's memory does not count
in the other's; REPEAT runs each, interleaved; the medians are printed. The children
are forked from a process that has read the print stylesheet once, as a worker has
after its first document: what that first reading costs is printed apart.
"""

import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msd_planner.settings.test")

import django

django.setup()

from django.contrib.staticfiles import finders  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from bench.harness import arguments, throwaway_database  # noqa: E402
from bench.large_plan import PlanSize, large_plan_build, version_freeze  # noqa: E402

REPEAT = 3
SIZE = PlanSize()


@dataclass(frozen=True)
class Run:
    seconds: float
    cpu_seconds: float
    peak_mb: float
    pages: int
    load: float  # the machine's load average over the last minute, at the end


def _in_child(work: Callable[[], int]) -> Run:
    """Run ``work()`` (it returns the pages) in a forked process, and measure it there."""
    connections.close_all()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read)
        started, cpu_started = time.perf_counter(), time.process_time()
        pages = work()
        seconds = time.perf_counter() - started
        cpu_seconds = time.process_time() - cpu_started
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        load = os.getloadavg()[0]
        os.write(write, f"{seconds} {cpu_seconds} {peak_mb} {pages} {load}".encode())
        os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    seconds, cpu_seconds, peak_mb, pages, load = os.read(read, 200).decode().split()
    os.close(read)
    return Run(float(seconds), float(cpu_seconds), float(peak_mb), int(pages), float(load))


def measure(label: str, document_id: int) -> None:
    from weasyprint import CSS, HTML

    from action_plans import documents, pdf
    from action_plans.models import PlanDocument

    html = documents.document_html(PlanDocument.objects.get(pk=document_id))
    stylesheet_path = finders.find(pdf.PRINT_STYLESHEET)

    def job() -> int:
        PlanDocument.objects.filter(pk=document_id).update(status="queued")
        return documents.document_render(document_id).pages

    def renderer() -> int:
        return pdf.html_to_pdf(html)[1]

    def weasyprint_alone() -> int:
        fetcher = pdf.SafeFetcher()
        stylesheet = CSS(filename=stylesheet_path, url_fetcher=fetcher)
        document = HTML(string=html, base_url=pdf.BASE_URL, url_fetcher=fetcher).render(
            stylesheets=[stylesheet]
        )
        document.write_pdf()
        return len(document.pages)

    works = {"job": job, "renderer": renderer, "weasyprint alone": weasyprint_alone}
    # interleaved, so that what else the machine does weighs on all alike
    runs_of: dict[str, list[Run]] = {name: [] for name in works}
    for _ in range(REPEAT):
        for name, work in works.items():
            runs_of[name].append(_in_child(work))
    seconds_of, cpu_of = {}, {}
    for name, runs in runs_of.items():
        seconds = statistics.median(run.seconds for run in runs)
        cpu = statistics.median(run.cpu_seconds for run in runs)
        peak = statistics.median(run.peak_mb for run in runs)
        load = statistics.median(run.load for run in runs)
        pages = runs[0].pages
        seconds_of[name], cpu_of[name] = seconds, cpu
        print(
            f"{label:<11} {name:<16} {pages:>4} pages {seconds:6.2f} s (CPU {cpu:6.2f} s) "
            f"{pages / seconds:5.1f} pages/s  peak {peak:4.0f} MB  load {load:4.2f}"
        )
    alone, alone_cpu = seconds_of["weasyprint alone"], cpu_of["weasyprint alone"]
    print(
        f"{label:<11} job / WeasyPrint alone: {seconds_of['job'] / alone:.2f}× "
        f"(CPU {cpu_of['job'] / alone_cpu:.2f}×); renderer / WeasyPrint alone: "
        f"{seconds_of['renderer'] / alone:.2f}× (CPU {cpu_of['renderer'] / alone_cpu:.2f}×)"
    )


def stylesheet_first_reading() -> float:
    """Seconds the first render in a process spends reading the print stylesheet and the
    fonts (later renders reuse them); leaves them read, for the children to inherit."""
    from action_plans import pdf

    started = time.perf_counter()
    pdf.print_setup()
    return time.perf_counter() - started


def demo_document() -> int:
    """Load the demo; the id of the document of its national plan's official version."""
    from django.core.management import call_command

    from action_plans import workflow
    from action_plans.models import ActionPlan, PlanDocument

    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    national = ActionPlan.objects.get(level="national")
    official = workflow.official_version(national)
    document, _ = PlanDocument.objects.get_or_create(version=official, defaults={"plan": national})
    return document.pk


def large_document(size: PlanSize) -> int:
    """Build the large plan and freeze it; the id of that version's document."""
    from action_plans.models import PlanDocument

    large = large_plan_build(size=size)
    frozen = version_freeze(plan=large.plan)
    return PlanDocument.objects.create(plan=large.plan, version=frozen.version).pk


def main() -> None:
    size = SIZE.scaled(arguments(__doc__).scale)
    with (
        throwaway_database("pdf"),
        tempfile.TemporaryDirectory() as media,
        override_settings(MEDIA_ROOT=media),
    ):
        demo = demo_document()
        large = large_document(size)
        print(f"medians of {REPEAT} runs, each in a fresh process, on {connection.vendor}")
        print(
            f"reading the print stylesheet and the fonts, once per process: "
            f"{stylesheet_first_reading():.2f} s"
        )
        measure("demo plan", demo)
        measure("large plan", large)


if __name__ == "__main__":
    main()
