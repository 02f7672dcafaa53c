"""Time a plan's PDF: the whole background job against WeasyPrint alone on the same HTML.

Run: .venv/bin/python bench/pdf.py [--scale F]
     (DATABASE_URL picks PostgreSQL, SQLite otherwise; the bench builds its own test
     database, <that database's name>_pdf on PostgreSQL, and drops it at the end.
     --scale 0.1 builds a tenth of the large plan, for a quick run.)

For the demo's national plan (its adopted version) and for the large plan of
bench/large_plan.py (40 targets, 300 interventions, 1,000 commitments; a version frozen
from it), prints the pages, seconds, pages per second and peak memory (resident set size of a
process that does only that) of:

* the job: ``action_plans.documents.document_render`` — reading the snapshot, building
  the HTML, rendering, storing the file with its checksum;
* WeasyPrint alone: ``HTML(string=…).write_pdf()`` on the very HTML the job renders;

and the overhead of the job over WeasyPrint alone as a ratio, both measured in this run.
Each measurement runs in a fresh child process (fork), so that one's memory does not
count in the other's; REPEAT runs each, the two interleaved; the medians are printed.
"""

import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msd_planner.settings.test")

import django

django.setup()

from django.db import connection, connections  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from bench.harness import arguments, throwaway_database  # noqa: E402
from bench.large_plan import PlanSize, large_plan_build, version_freeze  # noqa: E402

REPEAT = 3
SIZE = PlanSize()


def _in_child(work) -> tuple[float, float, int]:
    """Run ``work()`` in a forked process: (seconds, peak MB of that process, pages)."""
    connections.close_all()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read)
        started = time.perf_counter()
        pages = work()
        seconds = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        os.write(write, f"{seconds} {peak_mb} {pages}".encode())
        os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    seconds, peak_mb, pages = os.read(read, 200).decode().split()
    os.close(read)
    return float(seconds), float(peak_mb), int(pages)


def measure(label: str, document_id: int) -> None:
    from weasyprint import HTML

    from action_plans import documents
    from action_plans.models import PlanDocument
    from action_plans.pdf import BASE_URL, SafeFetcher

    html = documents.document_html(PlanDocument.objects.get(pk=document_id))

    def job() -> int:
        PlanDocument.objects.filter(pk=document_id).update(status="queued")
        return documents.document_render(document_id).pages

    def weasyprint_alone() -> int:
        document = HTML(string=html, base_url=BASE_URL, url_fetcher=SafeFetcher()).render()
        document.write_pdf()
        return len(document.pages)

    works = {"job": job, "weasyprint alone": weasyprint_alone}
    # interleaved, so that what else the machine does weighs on both alike
    runs_of: dict[str, list] = {name: [] for name in works}
    for _ in range(REPEAT):
        for name, work in works.items():
            runs_of[name].append(_in_child(work))
    results = {}
    for name, runs in runs_of.items():
        seconds = statistics.median(run[0] for run in runs)
        peak = statistics.median(run[1] for run in runs)
        pages = runs[0][2]
        results[name] = seconds
        print(
            f"{label:<14} {name:<17} {pages:>4} pages  {seconds:6.2f} s  "
            f"{pages / seconds:6.1f} pages/s  peak {peak:6.0f} MB"
        )
    print(
        f"{label:<14} overhead of the job over WeasyPrint alone: "
        f"{results['job'] / results['weasyprint alone']:.2f}×"
    )


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
        measure("demo plan", demo)
        measure("large plan", large)


if __name__ == "__main__":
    main()
