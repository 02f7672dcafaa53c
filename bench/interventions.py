"""Time the interventions pages of a large plan, and race two sessions on the edit page.

Run: .venv/bin/python bench/interventions.py [--races N]
     (DATABASE_URL picks PostgreSQL; SQLite otherwise)

Builds a plan with 80 participating organisations, 40 prioritised targets and 300
interventions (each addressing one or two targets, with two partners, two beneficiary
groups and 3 indicators, each with target values and 4 periods of progress). The
organisations, plan, governance and targets go through the services; the interventions
and their children are bulk-created (the services would take minutes; bulk writes keep
the same values the services accept, but write no history rows). Then prints median and
95th-percentile times and the query count of `intervention_list`, `intervention_detail`
and `intervention_coverage` (a page that does not answer 200 is reported, not timed),
and, on PostgreSQL only, N concurrent-save trials (default 200) over HTTP on
`intervention_edit`: two clients, each with its own session, open the same version of
an intervention and post a different title at the same moment; a lost update is two
accepted saves (or a saved value that is not the winner's); the other must be shown the
conflict screen. The POST data is read from the edit page's own form, so the trials keep
working as the form changes.
"""

import argparse
import os
import statistics
import sys
import threading
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msd_planner.settings.test")

import django
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, get_runner, setup_test_environment
from django.urls import reverse

django.setup()

REPEAT = 20
ORGANISATIONS = 80
TARGETS = 40
INTERVENTIONS = 300
INDICATORS_EACH = 3
PROGRESS_EACH = 4
PASSWORD = "bench-password-2030"  # noqa: S105 - a throwaway test database
EDIT_CONFLICT = "Someone else saved this record after you opened it"


def build_large_plan():
    from action_plans.models import ActionPlan
    from governance.models import LeadModel, Organisation, Role, User
    from governance.services.lead_arrangement import LeadArrangementData, lead_arrangement_set
    from governance.services.memberships import membership_set
    from governance.services.participations import participation_add
    from interventions.models import (
        AddressedTarget,
        Beneficiaries,
        BeneficiaryGroup,
        Intervention,
        InterventionLevel,
        Partner,
        PartnerRole,
        Progress,
        ResultIndicator,
        Sector,
        TargetValue,
    )
    from targets.models import MigrationRelevance, Target
    from targets.services import catalogue_load, prioritised_target_add

    catalogue_load()
    admin = User.objects.create(username="bench-admin", email="a@bench.example", is_superuser=True)
    plan = ActionPlan.objects.create(
        title="Large plan",
        country="GH",
        level="national",
        area_name="Ghana",
        period_start_year=2025,
        period_end_year=2030,
        base_currency="GHS",
    )
    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Organisation {n}", acronym=f"O{n}", type="ministry", level="national")
        for n in range(ORGANISATIONS)
    )
    lead_arrangement_set(
        actor=admin,
        plan=plan,
        expected_version=0,
        data=LeadArrangementData(model=LeadModel.SINGLE, leads=[organisations[0]]),
    )
    for organisation in organisations[1:]:
        participation_add(
            actor=admin, plan=plan, organisation=organisation, signatory_required=False
        )
    users = {}
    for username, role in (("coordinator", Role.COORDINATOR), ("editor", Role.EDITOR)):
        user = User.objects.create(username=f"bench-{username}", email=f"{username}@b.example")
        user.set_password(PASSWORD)
        user.save()
        membership_set(actor=admin, user=user, organisation=organisations[0], role=role)
        users[username] = user
    coordinator = users["coordinator"]
    targets = list(
        Target.objects.exclude(migration_relevance=MigrationRelevance.NONE)
        .prefetch_related("indicators")
        .order_by("position")[:TARGETS]
    )
    prioritised = [
        prioritised_target_add(actor=coordinator, plan=plan, target=target, rationale="r")
        for target in targets
    ]

    sectors, levels, groups = Sector.values, InterventionLevel.values, BeneficiaryGroup.values
    interventions = Intervention.objects.bulk_create(
        Intervention(
            plan=plan,
            title=f"Intervention {n:03d}",
            level=levels[n % len(levels)],
            sector=sectors[n % len(sectors)],
            description="What it is. " * 20,
            design="How it works. " * 20,
            lead_organisation=organisations[n % ORGANISATIONS],
            start_date=date(2026, 1, 1),
            end_date=date(2029, 12, 31),
            estimated_cost=Decimal(100000 + 1000 * n),
            status="proposed" if n % 3 else "in_plan",
        )
        for n in range(INTERVENTIONS)
    )
    addressed, partners, beneficiaries, indicators = [], [], [], []
    for n, intervention in enumerate(interventions):
        chosen = [prioritised[n % TARGETS], prioritised[(n * 7 + 3) % TARGETS]]
        chosen = list(dict.fromkeys(chosen))
        addressed += [
            AddressedTarget(intervention=intervention, prioritised_target=item) for item in chosen
        ]
        lead = n % ORGANISATIONS
        partners += [
            Partner(
                intervention=intervention,
                organisation=organisations[(lead + step) % ORGANISATIONS],
                role=PartnerRole.values[step % len(PartnerRole.values)],
            )
            for step in (1, 2)
        ]
        beneficiaries += [
            Beneficiaries(intervention=intervention, group=groups[(n + step) % len(groups)],
                          estimated_number=1000 * (step + 1))
            for step in (0, 1)
        ]  # fmt: skip
        sdg = next(iter(chosen[0].target.indicators.all()), None)
        for index in range(INDICATORS_EACH):
            indicators.append(
                ResultIndicator(
                    intervention=intervention,
                    sdg_indicator=sdg if index == 0 else None,
                    name="" if index == 0 and sdg else f"National indicator {index}",
                    unit="%",
                    baseline_value=Decimal("10"),
                    baseline_year=2024,
                    baseline_source="Survey",
                )
            )
    AddressedTarget.objects.bulk_create(addressed)
    Partner.objects.bulk_create(partners)
    Beneficiaries.objects.bulk_create(beneficiaries)
    indicators = ResultIndicator.objects.bulk_create(indicators)
    TargetValue.objects.bulk_create(
        TargetValue(indicator=indicator, year=year, value=Decimal(20 + year - 2027))
        for indicator in indicators
        for year in (2027, 2029)
    )
    Progress.objects.bulk_create(
        Progress(
            indicator=indicator,
            measured_on=date(2025 + period // 2, 6 if period % 2 == 0 else 12, 30),
            value=Decimal(11 + period),
            source="Survey",
            reported_by=coordinator,
        )
        for indicator in indicators
        for period in range(PROGRESS_EACH)
    )
    return plan, users, interventions


def time_pages(plan, coordinator, intervention) -> None:
    client = Client()
    client.force_login(coordinator)
    pages = [
        ("intervention_list", reverse("intervention_list", args=[plan.pk])),
        ("intervention_detail", reverse("intervention_detail", args=[plan.pk, intervention.pk])),
        ("intervention_coverage", reverse("intervention_coverage", args=[plan.pk])),
    ]
    for name, url in pages:
        try:
            first = client.get(url)
        except Exception as error:  # a page being written may still raise
            print(f"{name:24} raised {type(error).__name__}: {error}; not timed")
            continue
        if first.status_code != 200:
            print(f"{name:24} answered {first.status_code}; not timed (page not built yet?)")
            continue
        timings = []
        for _ in range(REPEAT):
            began = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - began) * 1000)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        timings.sort()
        print(
            f"{name:24} median {statistics.median(timings):6.1f} ms  "
            f"p95 {timings[int(len(timings) * 0.95) - 1]:6.1f} ms  {len(queries):3d} queries"
        )


# --- concurrent saves over HTTP --------------------------------------------------------------


def _race_tools():
    """The HTTP client and form reader of bench/race_runner.py. Importing it sets its own
    environment variables; the settings are loaded already, so they are put back."""
    saved = dict(os.environ)
    try:
        from bench import race_runner
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return race_runner


def concurrent_saves(plan, users, intervention, races: int) -> None:
    if connection.vendor != "postgresql":
        print(
            "concurrent-save trials skipped: they need PostgreSQL (row locks); "
            "set DATABASE_URL to a PostgreSQL database"
        )
        return
    from django.conf import settings
    from django.test.testcases import LiveServerThread, _StaticFilesHandler

    from interventions.models import Intervention

    tools = _race_tools()
    tools.PASSWORD = PASSWORD  # its sign_in reads this module global
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1", "localhost"]
    server = LiveServerThread("127.0.0.1", _StaticFilesHandler, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        print(f"concurrent-save trials skipped: the server did not start ({server.error})")
        return
    base = f"http://127.0.0.1:{server.port}"
    try:
        clients = (tools.Client(base), tools.Client(base))
        for client, user in zip(clients, (users["coordinator"], users["editor"]), strict=True):
            client.sign_in(user.username)
        path = reverse("intervention_edit", args=[plan.pk, intervention.pk])
        probe = clients[0].get(path)
        if probe.status != 200:
            print(
                f"concurrent-save trials skipped: intervention_edit answered {probe.status} "
                "(the edit page is not built yet; rerun once it is)"
            )
            return
        try:
            tools.find_form(probe.body, "version")
        except LookupError:
            print("concurrent-save trials skipped: the edit page has no form with a version")
            return
        saved_once = conflicts = lost = errors = other = overlapped = 0
        reasons: dict[str, int] = {}
        started = time.perf_counter()
        for number in range(races):
            barrier = threading.Barrier(2, timeout=60)
            results: list[dict] = [{}, {}]

            def attempt(index: int, number=number, barrier=barrier, results=results) -> None:
                result = results[index]
                try:
                    page = clients[index].get(path)
                    form = tools.find_form(page.body, "version")
                    result["opened"] = int(form.get("version") or -1)
                    result["title"] = f"Race {number} by client {index}"
                    form.set("title", result["title"])
                    barrier.wait()
                    result["began"] = time.perf_counter()
                    result["response"] = clients[index].post(path, form.fields)
                    result["ended"] = time.perf_counter()
                except Exception as error:  # reported as the trial's outcome
                    result["error"] = f"{type(error).__name__}: {error}"
                    barrier.abort()

            threads = [threading.Thread(target=attempt, args=(index,)) for index in (0, 1)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            if any("error" in result for result in results):
                other += 1
                reason = "; ".join(result["error"] for result in results if "error" in result)
                reasons[reason] = reasons.get(reason, 0) + 1
                continue
            first, second = results
            if max(first["began"], second["began"]) < min(first["ended"], second["ended"]):
                overlapped += 1
            responses = [result["response"] for result in results]
            errors += sum(response.status >= 500 for response in responses)
            shown = [
                result
                for result in results
                if result["response"].status == 200 and EDIT_CONFLICT in result["response"].body
            ]
            accepted = [result for result in results if result["response"].status == 302]
            conflicts += len(shown)
            fresh = Intervention.objects.values("title", "version").get(pk=intervention.pk)
            if len(accepted) == 2:
                lost += 1
            elif len(accepted) == 1 and len(shown) == 1:
                winner = accepted[0]
                if fresh["title"] == winner["title"] and fresh["version"] == first["opened"] + 1:
                    saved_once += 1
                else:
                    lost += 1
            else:
                other += 1
                reason = ", ".join(str(response.status) for response in responses)
                reasons[f"answered {reason}"] = reasons.get(f"answered {reason}", 0) + 1
        seconds = time.perf_counter() - started
        print(
            f"{races} concurrent-save trials over HTTP with two sessions on intervention_edit "
            f"({seconds:.0f} s): saved once {saved_once}, conflicts shown {conflicts}, "
            f"lost updates {lost} (must be 0), 5xx {errors}, other {other}, "
            f"POSTs overlapping {overlapped}"
        )
        for reason, count in sorted(reasons.items(), key=lambda item: -item[1])[:5]:
            print(f"  {count} × {reason}")
    finally:
        server.terminate()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--races", type=int, default=200)
    arguments = parser.parse_args()
    setup_test_environment()
    if connection.vendor == "postgresql":
        # A database of its own: a test run on the same server keeps test_<name>.
        connection.settings_dict["TEST"]["NAME"] = "msd_bench_interventions"
    runner = get_runner(django.conf.settings)(verbosity=0, interactive=False)
    old_config = runner.setup_databases()
    try:
        started = time.perf_counter()
        plan, users, interventions = build_large_plan()
        print(
            f"built a plan with {ORGANISATIONS} organisations, {TARGETS} prioritised targets, "
            f"{INTERVENTIONS} interventions × {INDICATORS_EACH} indicators × "
            f"{PROGRESS_EACH} periods of progress in {time.perf_counter() - started:.0f} s "
            f"on {connection.vendor}"
        )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            print("ran ANALYZE so that the planner has statistics (autovacuum is off here)")
        time_pages(plan, users["coordinator"], interventions[INTERVENTIONS // 2])
        concurrent_saves(plan, users, interventions[0], arguments.races)
    finally:
        connection.close()
        runner.teardown_databases(old_config)


if __name__ == "__main__":
    main()
