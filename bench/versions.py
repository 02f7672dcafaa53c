"""Time the pages of a large plan's versions: a version's page, the comparison of two
versions and of a version with the draft, and the validation page.

Run: .venv/bin/python bench/versions.py [--scale F] [--changed N]    (from the repository's root)
     DATABASE_URL=postgres://msd_planner@127.0.0.1:5432/msd_planner \\
         .venv/bin/python bench/versions.py
     (DATABASE_URL picks PostgreSQL, SQLite otherwise. On PostgreSQL the bench builds
     its own database, <that database's name>_versions, and drops it at the end.
     --scale 0.1 builds a tenth of the plan, for a quick run; --scale 10 ten times it.)

Builds the large plan of bench/large_plan.py (40 prioritised targets, 300 interventions
with their indicators and progress, 1,000 commitments at --scale 1), freezes it as
version 1.0, changes the cost of ``--changed`` interventions (through the service) and
freezes 1.1, then changes as many again: the draft. Each version's snapshot is built by
``build_snapshot`` and frozen by ``snapshot_freeze``, as submission does. The changes do
not grow with the plan, so a comparison that costs in proportion to its differences
costs the same at every scale.

The cache of what pages derive ("derived": the draft's snapshot, a version's named
pages, comparisons) is on, as in production (local memory here). Each page is timed
**cold**, the cache emptied before every request (what the first reader pays), and
**warm** (what every later reader pays); the comparison with the draft also with the
draft's snapshot kept (built by another page since the plan's last change). It prints
the median and 95th-percentile times and the query count of each, for the plan's
coordinator:

* a version's page: its first section (governance), the interventions' first page and
  their last page (one page of records named in the reader's language);
* the comparison of 1.0 with 1.1 and of 1.0 with the draft;
* the validation page, which compares the draft with the official version when there
  is one (there is none here).
"""

import os
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
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

from action_plans.derived import derived_key  # noqa: E402
from action_plans.models import ActionPlan, PlanVersion, VersionStatus  # noqa: E402
from action_plans.snapshot import build_snapshot, snapshot_freeze  # noqa: E402
from action_plans.validation_views import RECORDS_PER_PAGE  # noqa: E402
from bench.harness import REPEAT, arguments, p95, throwaway_database  # noqa: E402
from bench.large_plan import LargePlan, PlanSize, large_plan_build  # noqa: E402
from interventions.models import Intervention  # noqa: E402
from interventions.services import intervention_update  # noqa: E402

SIZE = PlanSize()
LOCAL_CACHE = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "bench-versions",
    "OPTIONS": {"MAX_ENTRIES": 10_000},
}


def freeze(plan: ActionPlan, minor: int) -> tuple[PlanVersion, float]:
    """Version 1.``minor`` of the plan as it is now (withdrawn: the plan stays a draft),
    and the seconds its snapshot took to build and store."""
    version = PlanVersion.objects.create(
        plan=plan,
        major=1,
        minor=minor,
        status=VersionStatus.WITHDRAWN,
        submitted_at=timezone.now(),
    )
    started = time.perf_counter()
    snapshot_freeze(version=version, content=build_snapshot(plan))
    return version, time.perf_counter() - started


def change_costs(large: LargePlan, interventions: list[Intervention]) -> None:
    """Raise the cost of each of ``interventions`` by a tenth, through the service."""
    for intervention in interventions:
        fresh = Intervention.objects.get(pk=intervention.pk)
        intervention_update(
            actor=large.coordinator,
            intervention=fresh,
            expected_version=fresh.version,
            data={"estimated_cost": (fresh.estimated_cost or Decimal(1000)) * Decimal("1.1")},
        )


def time_page(client: Client, label: str, url: str, *, empty: Callable[[], None]) -> None:
    """Median and p95 of ``url``, ``empty()`` called (untimed) before each request; then
    the query count of a request as timed."""
    response = client.get(url)
    if response.status_code != 200:
        print(f"{label:44} answered {response.status_code}; not timed")
        return
    timings = []
    for _ in range(REPEAT):
        empty()
        began = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - began) * 1000)
    empty()
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    print(
        f"{label:44} median {statistics.median(timings):7.1f} ms  "
        f"p95 {p95(timings):7.1f} ms  {len(queries):3d} queries"
    )


def emptied(plan: ActionPlan, *, keep_draft: bool) -> Callable[[], None]:
    """Empty the derived cache; but for the draft's snapshot if ``keep_draft`` (what
    the other pages of the plan have built by then)."""
    cache = caches["derived"]
    draft_key = derived_key(plan, "draft_snapshot", per_language=False)

    def empty() -> None:
        draft = cache.get(draft_key) if keep_draft else None
        cache.clear()
        if draft is not None:
            cache.set(draft_key, draft)

    return empty


def time_pages(large: LargePlan, first: PlanVersion, second: PlanVersion, records: int) -> None:
    plan = large.plan
    client = Client()
    client.force_login(large.coordinator)
    compare = reverse("version_compare", args=[plan.pk])
    page = reverse("version_detail", args=[plan.pk, first.pk])
    last = (records - 1) // RECORDS_PER_PAGE + 1
    pages: list[tuple[str, str]] = [
        ("version page (governance)", page),
        ("version page, interventions", f"{page}?section=interventions"),
        (f"  … their page {last}", f"{page}?section=interventions&page={last}"),
        ("compare 1.0 with 1.1", f"{compare}?from={first.pk}&to={second.pk}"),
        ("compare 1.0 with the draft", f"{compare}?from={first.pk}&to=draft"),
        ("validation page", reverse("plan_validation", args=[plan.pk])),
    ]
    draft = [item for item in pages if item[0] == "compare 1.0 with the draft"]
    modes = [
        ("cold (the derived cache emptied before each request):", False, pages),
        ("the draft's snapshot kept, the rest emptied:", True, draft),
    ]
    for title, keep_draft, shown in modes:
        print(title)
        for label, url in shown:
            time_page(client, label, url, empty=emptied(plan, keep_draft=keep_draft))
    print("warm:")
    for label, url in pages:
        time_page(client, label, url, empty=lambda: None)


def timed(what: str, work: Callable[[], object]) -> object:
    started = time.perf_counter()
    result = work()
    print(f"{what} in {time.perf_counter() - started:.0f} s")
    return result


def main() -> None:
    options = arguments(
        __doc__,
        changed={"type": int, "default": 10, "help": "interventions changed per version"},
    )
    size = SIZE.scaled(options.scale)
    with (
        throwaway_database("versions"),
        override_settings(CACHES={**settings.CACHES, "derived": LOCAL_CACHE}),
    ):
        large = timed("built the plan", lambda: large_plan_build(size=size))
        print(f"  {large.summary()} on {connection.vendor} (ANALYZE run after the build)")
        first, seconds = freeze(large.plan, 0)
        content = build_snapshot(large.plan)
        records = sum(len(section["records"]) for section in content["sections"].values())
        interventions = len(content["sections"]["interventions"]["records"])
        print(f"froze 1.0: {records:,} records, built and stored in {seconds * 1000:.0f} ms")
        changed = large.interventions[: options.changed * 2]
        change_costs(large, changed[: options.changed])
        second, seconds = freeze(large.plan, 1)
        print(f"froze 1.1 ({options.changed} interventions' costs changed) in {seconds:.1f} s")
        change_costs(large, changed[options.changed :])
        print(f"the draft: {options.changed} more interventions' costs changed")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        large.plan.refresh_from_db()
        time_pages(large, first, second, interventions)


if __name__ == "__main__":
    main()
