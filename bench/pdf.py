"""Time a plan's PDF: the whole background job against WeasyPrint alone on the same HTML.

Run: .venv/bin/python bench/pdf.py
     (DATABASE_URL picks PostgreSQL, SQLite otherwise; the bench builds its own test
     database and drops it at the end)

For the demo's national plan (its adopted version) and for the large plan of
bench/funding.py (40 targets, 300 interventions, 1,000 commitments; a version frozen from
it), prints the pages, seconds, pages per second and peak memory (resident set size of a
process that does only that) of:

* the job: ``action_plans.documents.document_render`` — reading the snapshot, building
  the HTML, rendering, storing the file with its checksum;
* WeasyPrint alone: ``HTML(string=…).write_pdf()`` on the very HTML the job renders;

and the overhead of the job over WeasyPrint alone as a ratio, both measured in this run.
Each measurement runs in a fresh child process (fork), so that one's memory does not
count in the other's; REPEAT runs each, the medians are printed.
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
from django.test.utils import get_runner, override_settings, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.funding import build_funding  # noqa: E402
from bench.interventions import build_large_plan  # noqa: E402

REPEAT = 3


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

    results = {}
    for name, work in (("job", job), ("weasyprint alone", weasyprint_alone)):
        runs = [_in_child(work) for _ in range(REPEAT)]
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


def main() -> None:
    setup_test_environment()
    if connection.vendor == "postgresql":
        connection.settings_dict["TEST"]["NAME"] = f"{connection.settings_dict['NAME']}_pdf"
    runner = get_runner(django.conf.settings)(verbosity=0, interactive=False)
    old_config = runner.setup_databases()
    try:
        from django.core.management import call_command

        from action_plans import workflow
        from action_plans.models import ActionPlan, PlanDocument, PlanSnapshot, PlanVersion
        from action_plans.snapshot import build_snapshot

        with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
            call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
            national = ActionPlan.objects.get(level="national")
            official = workflow.official_version(national)
            demo, _ = PlanDocument.objects.get_or_create(
                version=official, defaults={"plan": national}
            )

            plan, users, interventions = build_large_plan()
            build_funding(plan, users["coordinator"], interventions)
            version = PlanVersion.objects.create(
                plan=plan, major=1, minor=0, status="withdrawn", submitted_at=timezone.now()
            )
            PlanSnapshot.objects.create(version=version, content=build_snapshot(plan))
            large = PlanDocument.objects.create(plan=plan, version=version)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
                print("ran ANALYZE so that the planner has statistics (autovacuum is off here)")
            print(f"medians of {REPEAT} runs, each in a fresh process, on {connection.vendor}")
            measure("demo plan", demo.pk)
            measure("large plan", large.pk)
    finally:
        connections.close_all()
        runner.teardown_databases(old_config)


if __name__ == "__main__":
    main()
