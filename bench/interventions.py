"""Time the interventions pages of a large plan, and race two sessions on the edit page.

Run: .venv/bin/python bench/interventions.py [--races N] [--scale F]
     (DATABASE_URL picks PostgreSQL; SQLite otherwise. On PostgreSQL the bench builds its
     own database, <that database's name>_interventions, and drops it at the end.
     --scale 0.1 builds a tenth of the plan, for a quick run.)

Builds the large plan of bench/large_plan.py without its funding: 80 participating
organisations, 40 prioritised targets and 300 interventions (each addressing one or two
targets, with two partners, two beneficiary groups and 3 indicators, each with target
values and 4 quarters of progress). Then prints median and 95th-percentile times and the
query count of `intervention_list`, `intervention_detail` and `intervention_coverage` (a
page that does not answer 200 is reported, not timed), and, on PostgreSQL only, N
concurrent-save trials (default 200) over HTTP on `intervention_edit`: two clients, the
coordinator and an editor of the lead body, each with its own session, open the same
version of an intervention and post a different title at the same moment (the race of
bench/race_runner.py); a lost update is two accepted saves (or a saved value that is not
the winner's); the other must be shown the conflict screen. The POST data is read from
the edit page's own form, so the trials keep working as the form changes.
"""

import os
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msd_planner.settings.test")

import django
from django.db import connection
from django.test import Client
from django.urls import reverse

django.setup()

from bench.harness import arguments, throwaway_database, time_url  # noqa: E402
from bench.large_plan import PASSWORD, PlanSize, large_plan_build  # noqa: E402

SIZE = replace(
    PlanSize(), sources=0, local_actors=0, commitments=0, strategy_every=0, engagements=0
)


def time_pages(plan, coordinator, intervention) -> None:
    client = Client()
    client.force_login(coordinator)
    for name, args in (
        ("intervention_list", [plan.pk]),
        ("intervention_detail", [plan.pk, intervention.pk]),
        ("intervention_coverage", [plan.pk]),
    ):
        time_url(client, name, reverse(name, args=args))


# --- concurrent saves over HTTP --------------------------------------------------------------


def _race_tools():
    """The HTTP client and the race of bench/race_runner.py. Importing it sets its own
    environment variables; the settings are loaded already, so they are put back."""
    saved = dict(os.environ)
    try:
        from bench import race_runner
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return race_runner


def _live_server():
    """This process's application on a free port of 127.0.0.1 (None: it did not start)."""
    from django.conf import settings
    from django.test.testcases import LiveServerThread, _StaticFilesHandler

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1", "localhost"]
    server = LiveServerThread("127.0.0.1", _StaticFilesHandler, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        print(f"concurrent-save trials skipped: the server did not start ({server.error})")
        return None
    return server


def _edit_page(tools, plan, intervention):
    """The intervention's edit page as bench/race_runner.py races it: each client posts
    its own title."""
    from interventions.models import Intervention

    return tools.EditPage(
        "InterventionForm",
        reverse("intervention_edit", args=[plan.pk, intervention.pk]),
        "coordinator and editor",
        "title",
        lambda form, race: (f"Race {race} by client 0", f"Race {race} by client 1"),
        lambda: tuple(Intervention.objects.values_list("title", "version").get(pk=intervention.pk)),
    )


def _ready_to_race(tools, client, page) -> bool:
    """Whether the edit page answers with a form that carries a version (else says why not)."""
    probe = client.get(page.url)
    if probe.status != 200:
        print(
            f"concurrent-save trials skipped: intervention_edit answered {probe.status} "
            "(the edit page is not built yet; rerun once it is)"
        )
        return False
    try:
        tools.find_form(probe.body, "version")
    except LookupError:
        print("concurrent-save trials skipped: the edit page has no form with a version")
        return False
    return True


def concurrent_saves(plan, users, intervention, races: int) -> None:
    if connection.vendor != "postgresql":
        print(
            "concurrent-save trials skipped: they need PostgreSQL (row locks); "
            "set DATABASE_URL to a PostgreSQL database"
        )
        return
    tools = _race_tools()
    tools.PASSWORD = PASSWORD  # its sign_in reads this module global
    server = _live_server()
    if server is None:
        return
    try:
        base = f"http://127.0.0.1:{server.port}"
        clients = (tools.Client(base), tools.Client(base))
        for client, user in zip(clients, (users["coordinator"], users["editor"]), strict=True):
            client.sign_in(user.username)
        page = _edit_page(tools, plan, intervention)
        if not _ready_to_race(tools, clients[0], page):
            return
        tally = tools.Tally()
        started = time.perf_counter()
        for number in range(1, races + 1):
            tools.race(clients, page, number, tally)
        print(
            f"{races} concurrent-save trials over HTTP with two sessions on intervention_edit "
            f"({time.perf_counter() - started:.0f} s): saved once {tally.saved_once}, "
            f"conflicts shown {tally.conflicts_shown}, lost updates {tally.lost_updates} "
            f"(must be 0), 5xx {tally.server_errors}, other {tally.other}, "
            f"POSTs overlapping {tally.overlapped}"
        )
        for reason, count in sorted(tally.reasons.items(), key=lambda item: -item[1])[:5]:
            print(f"  {count} × {reason}")
    finally:
        server.terminate()


def main() -> None:
    options = arguments(__doc__, races={"type": int, "default": 200})
    size = SIZE.scaled(options.scale)
    with throwaway_database("interventions"):
        started = time.perf_counter()
        large = large_plan_build(size=size)
        print(
            f"built a plan with {large.summary()} in {time.perf_counter() - started:.0f} s "
            f"on {connection.vendor}"
        )
        time_pages(large.plan, large.coordinator, large.interventions[size.interventions // 2])
        concurrent_saves(large.plan, large.users, large.interventions[0], options.races)


if __name__ == "__main__":
    main()
